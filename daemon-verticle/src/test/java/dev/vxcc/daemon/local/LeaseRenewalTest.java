package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.KeepAliveReply;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseRenewalTest {
  private final StepClock clock = new StepClock();
  private final List<List<Long>> calls = new ArrayList<>();
  /** What the fake scheduler answers: which of the asked grants are still ours, or a failure. */
  private Future<KeepAliveReply> answer;
  private final LeaseRenewal leases = new LeaseRenewal(clock, 10_000, 60_000, (ids, lease) -> {
    calls.add(List.copyOf(ids));
    assertEquals(10_000L, lease);
    return answer == null ? Future.succeededFuture(new KeepAliveReply(ids.stream().map(id -> true).toList())) : answer;
  });

  @Test
  void allHeldGrantsAreRenewedInOneCall() {
    leases.hold(1, new Cancellation());
    leases.hold(2, new Cancellation());
    assertTrue(leases.renew().succeeded());
    assertEquals(List.of(List.of(1L, 2L)), calls);
    leases.release(1);
    leases.renew();
    assertEquals(List.of(2L), calls.get(1), "released grants are no longer renewed");
  }

  @Test
  void nothingHeldMeansNoCall() {
    leases.renew();
    assertEquals(List.of(), calls);
  }

  @Test
  void aLeaseNotRenewedForLongCancelsItsJob() {
    Cancellation renewed = new Cancellation();
    Cancellation lost = new Cancellation();
    leases.hold(1, renewed);
    leases.hold(2, lost);
    answer = Future.succeededFuture(new KeepAliveReply(List.of(true, false)));
    for (int i = 0; i < 60; i++) {
      clock.advanceMs(1_000);
      leases.renew();
    }
    assertFalse(lost.isCancelled(), "60 s is still within the limit");
    clock.advanceMs(1_000);
    leases.renew();
    assertEquals("grant 2 could not be renewed for 60 s", lost.reason());
    assertFalse(renewed.isCancelled(), "the scheduler kept renewing grant 1");
    assertEquals(List.of(1L), calls.get(calls.size() - 1), "a lost grant is not asked for again");
  }

  @Test
  void aSchedulerThatDoesNotAnswerRenewsNothing() {
    Cancellation job = new Cancellation();
    leases.hold(1, job);
    answer = Future.failedFuture("scheduler down");
    clock.advanceMs(30_000);
    assertTrue(leases.renew().succeeded(), "a failed renewal is logged, not a failed tick");
    assertEquals(1, calls.size());
    assertFalse(job.isCancelled());
    clock.advanceMs(30_001);
    leases.renew();
    assertTrue(job.isCancelled(), "unrenewed since it was taken");
  }

  @Test
  void stoppingCancelsEveryHeldJob() {
    Cancellation a = new Cancellation();
    leases.hold(1, a);
    leases.cancelAll("daemon stopping");
    assertEquals("daemon stopping", a.reason());
  }
}
