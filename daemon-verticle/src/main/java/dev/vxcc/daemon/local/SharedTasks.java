package dev.vxcc.daemon.local;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Identical tasks submitted to this daemon at the same time run once: later submitters wait for
 * the first one's result. The shared run is cancelled only when every submitter gave up, so one
 * wrapper dying does not fail the others. Confined to the delegate's event loop.
 */
final class SharedTasks {
  private static final class Shared {
    final Cancellation cancel = new Cancellation();
    Future<RemoteResult> result;
    int interested;
  }

  private final Map<String, Shared> byDigest = new HashMap<>();

  /**
   * @param start runs the task; called once per digest at a time, with a cancellation that fires
   *     when the last interested caller has cancelled
   * @return the shared result, and whether this caller joined an existing run
   */
  Future<RemoteResult> run(String digest, Cancellation caller, Function<Cancellation, Future<RemoteResult>> start, Runnable onJoin) {
    Shared s = byDigest.get(digest);
    if (s != null) {
      onJoin.run();
    } else {
      Shared fresh = new Shared();
      byDigest.put(digest, fresh);
      s = fresh;
      Future<RemoteResult> started;
      try {
        started = start.apply(s.cancel);
      } catch (RuntimeException e) {
        // A start that throws must not leave a run nobody completes for later submitters to join.
        started = Future.failedFuture(e);
      }
      s.result = started.onComplete(ar -> byDigest.remove(digest, fresh));
    }
    Shared joined = s;
    joined.interested++;
    caller.future().onSuccess(why -> {
      if (--joined.interested == 0) {
        joined.cancel.cancel(why);
      }
    });
    return joined.result;
  }

  int inFlight() {
    return byDigest.size();
  }
}
