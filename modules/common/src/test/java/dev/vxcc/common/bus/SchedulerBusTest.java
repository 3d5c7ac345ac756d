package dev.vxcc.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A request reaches the active scheduler past the standbys that answer NOT_ACTIVE, and only those. */
class SchedulerBusTest {
  private final Vertx vertx = Vertx.vertx();
  private final DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(5_000);

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aStandbysAnswerSendsTheRequestOnToTheActiveScheduler() throws Exception {
    AtomicInteger standbyAsked = refusing("sched", FailureCodes.NOT_ACTIVE);
    register("sched", m -> m.reply("granted"));
    for (int i = 0; i < 10; i++) {
      assertEquals("granted", SchedulerBus.<String>request(vertx, "sched", "ask", timeout).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).body());
    }
    assertEquals(true, standbyAsked.get() > 0, "the bus went round both consumers");
  }

  @Test
  void otherRefusalsAreNotRetriedAndOnlyStandbysGiveUpAfterTheBound() throws Exception {
    AtomicInteger asked = refusing("busy", FailureCodes.NO_QUOTA);
    assertEquals(FailureCodes.NO_QUOTA, failureCode("busy"));
    assertEquals(1, asked.get(), "a real answer is the answer");

    register("nobody-active", m -> m.fail(FailureCodes.NOT_ACTIVE, "standby"));
    assertEquals(FailureCodes.NOT_ACTIVE, failureCode("nobody-active"));
  }

  /** A consumer that refuses every request with {@code code}; the count is how often it was asked. */
  private AtomicInteger refusing(String address, int code) throws Exception {
    AtomicInteger asked = new AtomicInteger();
    register(address, m -> {
      asked.incrementAndGet();
      m.fail(code, "refused with " + code);
    });
    return asked;
  }

  private void register(String address, io.vertx.core.Handler<io.vertx.core.eventbus.Message<Object>> handler) throws Exception {
    vertx.eventBus().consumer(address, handler).completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private int failureCode(String address) {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> SchedulerBus.request(vertx, address, "ask", timeout).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(ReplyException.class, e.getCause()).failureCode();
  }
}
