package dev.vxcc.daemon;

import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * This node's own servant, as its delegate reaches it without the network: a task whose only
 * usable servant is this machine compiles here, under the delegate's local quota, with the
 * servant's checks, sandbox and cache fill, and no gRPC call, grant or servant slot. Published in
 * a local map of the node's by the servant (one per Vert.x instance), looked up by the delegate.
 */
public final class InPlaceServant implements Shareable {
  /** Runs one task to its end on the servant's context; the servant frees it once done or cancelled. */
  public interface Runner {
    Future<WaitTaskResponse> run(QueueTaskRequest request, Future<Void> cancelled);
  }

  /**
   * What this machine's own compiles need to run on its own files (depend mode, without a
   * preprocessor pass): the servant's private job root and its resource-limit prefix (prlimit).
   * Offered only by a servant that runs source trees, since the same bubblewrap builds the view.
   */
  public record Host(java.nio.file.Path jobRoot, java.util.List<String> limits) {
    public Host {
      limits = java.util.List.copyOf(limits);
    }
  }

  private final Context context;
  private final String location;
  private final Runner runner;
  private final Host host;

  /** @param host null when this servant runs no source trees (then there is no depend mode here) */
  public InPlaceServant(Context context, String location, Runner runner, Host host) {
    this.context = context;
    this.location = location;
    this.runner = runner;
    this.host = host;
  }

  /** Null when this machine's compiles cannot run on its own files. */
  public Host host() {
    return host;
  }

  /** The servant's location, as the scheduler's view names it. */
  public String location() {
    return location;
  }

  /**
   * Runs on the servant's event loop; the answer comes back on the caller's.
   *
   * @param cancelled completes when the caller gave up (its wrapper died): the compile is killed
   */
  public Future<WaitTaskResponse> run(QueueTaskRequest request, Future<?> cancelled) {
    Context caller = Vertx.currentContext();
    Promise<WaitTaskResponse> answer = Promise.promise();
    context.runOnContext(v -> {
      Promise<Void> cancelHere = Promise.promise();
      cancelled.onComplete(x -> context.runOnContext(y -> cancelHere.tryComplete()));
      Future<WaitTaskResponse> done;
      try {
        done = runner.run(request, cancelHere.future());
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(ar -> {
        if (caller == null) {
          answer.handle(ar);
        } else {
          caller.runOnContext(x -> answer.handle(ar));
        }
      });
    });
    return answer.future();
  }

  public static void publish(Vertx vertx, InPlaceServant servant) {
    map(vertx).put(DaemonConstants.IN_PLACE_SERVANT_KEY, servant);
  }

  public static void withdraw(Vertx vertx, InPlaceServant servant) {
    map(vertx).removeIfPresent(DaemonConstants.IN_PLACE_SERVANT_KEY, servant);
  }

  /** This node's servant, or null when it has none (or it does not serve). */
  public static InPlaceServant of(Vertx vertx) {
    return map(vertx).get(DaemonConstants.IN_PLACE_SERVANT_KEY) instanceof InPlaceServant s ? s : null;
  }

  private static LocalMap<String, Object> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(DaemonConstants.IN_PLACE_MAP);
  }
}
