package dev.vxcc.daemon.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One task's race between its first run and the duplicates started because it straggles: the first
 * success is the result and every other run is cancelled (its servant frees the task and its grant
 * goes back); the run fails only once every run started has failed, with the first failure that is
 * worth a retry elsewhere if there is one. Both runs are the same compile under the same task key,
 * so whichever wins, the object is the same. Confined to the delegate's event loop.
 */
final class HedgedRun {
  private final Cancellation whole;
  private final Promise<RemoteResult> result = Promise.promise();
  private final List<Cancellation> runs = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();

  /** @param whole cancels every run (submitters gone, timeout, lease lost) */
  HedgedRun(Cancellation whole) {
    this.whole = whole;
  }

  /** Whether another run may still help: nothing won yet and nobody cancelled the task. */
  boolean open() {
    return !result.future().isComplete() && !whole.isCancelled();
  }

  /** Starts one run with a cancellation of its own, which the whole task's cancellation also fires. */
  void start(Function<Cancellation, Future<RemoteResult>> run) {
    if (!open()) {
      return;
    }
    Cancellation mine = new Cancellation();
    whole.future().onSuccess(mine::cancel);
    runs.add(mine);
    Future<RemoteResult> f;
    try {
      f = run.apply(mine);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        if (result.tryComplete(ar.result())) {
          runs.stream().filter(c -> c != mine).forEach(c -> c.cancel("another run of the task finished first"));
        }
        return;
      }
      failures.add(ar.cause());
      if (failures.size() == runs.size()) {
        result.tryFail(failures.stream().filter(e -> e instanceof ServantSession.ServantFailure).findFirst().orElse(failures.getFirst()));
      }
    });
  }

  Future<RemoteResult> result() {
    return result.future();
  }
}
