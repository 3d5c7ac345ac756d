package dev.vxcc.common.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * Requests to the active scheduler. Every scheduler candidate keeps its consumers registered from
 * the start, a standby answering {@link FailureCodes#NOT_ACTIVE}: the event bus learns of new
 * consumers through Hazelcast, and after a frozen data member was dropped it could not update them
 * for minutes (the chaos suite's scheduler SIGSTOP), so the scheduler taking over must already be
 * known to every sender when the old one stops. A point-to-point request goes round the nodes
 * registered for its address, so asking again reaches the next candidate.
 */
public final class SchedulerBus {
  /** Enough for a standby or two and a stale registration of a scheduler that is gone. */
  public static final int MAX_ASKS = 6;

  private SchedulerBus() {}

  public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body, DeliveryOptions options) {
    return ask(vertx, address, body, options, MAX_ASKS);
  }

  private static <T> Future<Message<T>> ask(Vertx vertx, String address, Object body, DeliveryOptions options, int left) {
    return vertx.eventBus().<T>request(address, body, options).recover(err -> {
      if (left > 1 && err instanceof ReplyException re && re.failureCode() == FailureCodes.NOT_ACTIVE) {
        return ask(vertx, address, body, options, left - 1);
      }
      return Future.failedFuture(err);
    });
  }
}
