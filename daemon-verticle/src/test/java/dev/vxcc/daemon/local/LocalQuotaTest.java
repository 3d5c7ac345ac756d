package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalQuotaTest {
  @Test
  void heavyTasksAreBoundedByTheHeavyLimit() {
    LocalQuota q = new LocalQuota(2, 1);
    assertTrue(q.tryAcquire(10, false));
    assertTrue(q.tryAcquire(11, false));
    assertFalse(q.tryAcquire(12, false), "a third compile must wait");
    assertEquals(2, q.holders());
  }

  @Test
  void preprocessingMayUseTheExtraLightweightSlots() {
    LocalQuota q = new LocalQuota(2, 1);
    assertTrue(q.tryAcquire(10, false));
    assertTrue(q.tryAcquire(11, false));
    assertTrue(q.tryAcquire(12, true), "lightweight work gets the over-provisioned slot");
    assertFalse(q.tryAcquire(13, true));
  }

  @Test
  void aHeavyTaskDoesNotStartWhileLightOnesFillTheHeavyShare() {
    LocalQuota q = new LocalQuota(1, 1);
    assertTrue(q.tryAcquire(10, true));
    assertFalse(q.tryAcquire(11, false), "total is at the heavy limit");
    assertTrue(q.tryAcquire(12, true));
  }

  @Test
  void aPidThatAlreadyHoldsASlotIsGrantedWithoutCountingTwice() {
    LocalQuota q = new LocalQuota(1, 0);
    assertTrue(q.tryAcquire(10, false));
    assertTrue(q.tryAcquire(10, false));
    assertEquals(1, q.holders());
  }

  @Test
  void releaseHandsTheSlotToTheFirstWaiterInOrder() {
    LocalQuota q = new LocalQuota(1, 0);
    assertTrue(q.tryAcquire(10, false));
    Future<Boolean> first = q.acquire(11, false, Long.MAX_VALUE);
    Future<Boolean> second = q.acquire(12, false, Long.MAX_VALUE);
    assertFalse(first.isComplete());
    q.release(10);
    assertTrue(first.result());
    assertFalse(second.isComplete());
    q.release(11);
    assertTrue(second.result());
  }

  @Test
  void aLightWaiterMayPassAHeavyOneThatCannotRunYet() {
    LocalQuota q = new LocalQuota(1, 1);
    assertTrue(q.tryAcquire(10, false));
    assertTrue(q.tryAcquire(11, true));
    Future<Boolean> heavy = q.acquire(12, false, Long.MAX_VALUE);
    Future<Boolean> light = q.acquire(13, true, Long.MAX_VALUE);
    q.release(11);
    assertTrue(light.result(), "the freed slot is only usable by light work");
    assertFalse(heavy.isComplete());
  }

  @Test
  void newRequestsDoNotOvertakeWaiters() {
    LocalQuota q = new LocalQuota(1, 0);
    assertTrue(q.tryAcquire(10, false));
    q.acquire(11, false, Long.MAX_VALUE);
    q.release(10);
    assertFalse(q.tryAcquire(12, false), "11 got the slot first");
  }

  @Test
  void waitersAreAnsweredFalseAtTheirDeadline() {
    LocalQuota q = new LocalQuota(1, 0);
    q.tryAcquire(10, false);
    Future<Boolean> w = q.acquire(11, false, 1_000);
    q.expire(999);
    assertFalse(w.isComplete());
    q.expire(1_000);
    assertFalse(w.result());
    assertEquals(0, q.waiting(false));
  }

  @Test
  void slotsOfDeadWrappersAreReclaimedAndGoToWaiters() {
    LocalQuota q = new LocalQuota(2, 0);
    q.tryAcquire(10, false);
    q.tryAcquire(11, false);
    Future<Boolean> w = q.acquire(12, false, Long.MAX_VALUE);
    Set<Long> dead = Set.of(10L);
    assertEquals(1, q.reclaim(pid -> !dead.contains(pid)));
    assertTrue(w.result());
    assertFalse(q.holds(10));
  }

  @Test
  void aDeadWaiterStopsWaiting() {
    LocalQuota q = new LocalQuota(1, 0);
    q.tryAcquire(10, false);
    Future<Boolean> w = q.acquire(11, false, Long.MAX_VALUE);
    q.reclaim(pid -> pid != 11);
    assertFalse(w.result());
  }

  @Test
  void aQuotaWithoutSlotsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LocalQuota(0, 1));
  }

  @Test
  void aWaiterIsRefusedOnlyOnceItsWaitHasPassedByTheClock() {
    StepClock clock = new StepClock();
    LocalQuota q = new LocalQuota(1, 0, clock);
    assertTrue(q.tryAcquire(10, false));
    Future<Boolean> waiting = q.acquireWithin(11, false, 10_000);
    clock.advanceMs(9_999);
    q.expireDue();
    assertFalse(waiting.isComplete(), "still within its wait");
    clock.advanceMs(1);
    q.expireDue();
    assertFalse(waiting.result(), "refused at its deadline");
    assertEquals(0, q.waiting(false));
  }
}
