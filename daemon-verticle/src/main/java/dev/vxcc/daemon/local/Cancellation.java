package dev.vxcc.daemon.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/** Lets the delegate stop a remote job from outside: submitter died, timeout, lease lost. */
final class Cancellation {
  private final Promise<String> cancelled = Promise.promise();

  void cancel(String reason) {
    cancelled.tryComplete(reason);
  }

  boolean isCancelled() {
    return cancelled.future().isComplete();
  }

  String reason() {
    return cancelled.future().result();
  }

  Future<String> future() {
    return cancelled.future();
  }
}
