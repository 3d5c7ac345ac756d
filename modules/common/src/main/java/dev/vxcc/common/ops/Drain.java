package dev.vxcc.common.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * The hand-shake of a hot redeploy: before a verticle is undeployed, the node asks it, on a
 * node-local address named after its deployment, to stop taking new work and to finish what it
 * has. Undeploying without it loses requests silently (they surface only as timeouts,
 * stack-notes §6). A verticle without the hook is simply undeployed.
 */
public final class Drain {
  private Drain() {}

  static final String ADDRESS_PREFIX = "vxcc.drain.";
  /** How often a drain looks again whether the work in flight is done. */
  public static final long POLL_MS = 50;

  public static String address(String deploymentId) {
    return ADDRESS_PREFIX + deploymentId;
  }

  /**
   * Registers the hook of the verticle deployed as {@code deploymentId}: {@code drain} gets the bound
   * in ms and completes when the verticle takes no new work and has none in flight (or the bound passed).
   */
  public static MessageConsumer<Long> register(Vertx vertx, String deploymentId, LongFunction<Future<?>> drain) {
    return vertx.eventBus().<Long>localConsumer(address(deploymentId), m -> drain.apply(m.body())
        .onComplete(ar -> m.reply(ar.succeeded() ? "drained" : "drain failed: " + ar.cause().getMessage())));
  }

  /**
   * Asks the verticle deployed as {@code deploymentId} to drain within {@code boundMs}; completes
   * with what it said, or "no drain hook" for a verticle without one. Never fails.
   */
  public static Future<String> request(Vertx vertx, String deploymentId, long boundMs) {
    return vertx.eventBus().<String>request(address(deploymentId), boundMs, new DeliveryOptions().setLocalOnly(true).setSendTimeout(boundMs + 5_000))
        .map(m -> m.body())
        .recover(e -> Future.succeededFuture(e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? "no drain hook" : "drain did not answer: " + e.getMessage()));
  }

  /** Completes once {@code idle} holds, checked every {@link #POLL_MS}, or after {@code boundMs} at the latest. */
  public static Future<Boolean> until(Vertx vertx, BooleanSupplier idle, long boundMs) {
    Promise<Boolean> done = Promise.promise();
    long deadline = System.nanoTime() + boundMs * 1_000_000;
    poll(vertx, idle, deadline, done);
    return done.future();
  }

  private static void poll(Vertx vertx, BooleanSupplier idle, long deadline, Promise<Boolean> done) {
    if (idle.getAsBoolean()) {
      done.tryComplete(true);
    } else if (System.nanoTime() - deadline >= 0) {
      done.tryComplete(false);
    } else {
      vertx.setTimer(POLL_MS, t -> poll(vertx, idle, deadline, done));
    }
  }
}
