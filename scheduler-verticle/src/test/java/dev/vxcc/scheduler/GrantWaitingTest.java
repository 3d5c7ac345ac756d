package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.free;
import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.grants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GrantWaitingTest {
  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(Fixtures.config(), clock);

  private long takeOnlySlot() {
    dispatcher.heartbeat(servant("a").maxTasks(1).build());
    return grants(dispatcher.waitForGrants(request(1, 0, 0))).get(0).grantId();
  }

  @Test
  void grantIdsStartAtOne() {
    assertEquals(1, takeOnlySlot());
  }

  @Test
  void waitingRequestGetsTheNextFreedSlot() {
    long held = takeOnlySlot();
    CompletableFuture<GrantReply> first = dispatcher.waitForGrants(request(1, 0, 5_000));
    CompletableFuture<GrantReply> second = dispatcher.waitForGrants(request(1, 0, 5_000));
    assertFalse(first.isDone());

    clock.advanceMs(1_000);
    dispatcher.free(free(held));

    assertEquals("a", grants(first).get(0).servantId());
    assertFalse(second.isDone(), "only one slot was freed; the later waiter keeps waiting");
  }

  @Test
  void heartbeatRaisingCapacityWakesWaiters() {
    dispatcher.heartbeat(servant("a").cpus(4).maxTasks(4).load(4).build());
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 5_000));
    assertFalse(waiting.isDone());

    dispatcher.heartbeat(servant("a").cpus(4).maxTasks(4).load(1).build());

    assertEquals(1, grants(waiting).size());
  }

  @Test
  void newServantWakesWaiters() {
    takeOnlySlot();
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 5_000));

    dispatcher.heartbeat(servant("b").build());

    assertEquals("b", grants(waiting).get(0).servantId());
  }

  @Test
  void waiterFailsWithNoQuotaAtItsDeadline() {
    takeOnlySlot();
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 2_000));

    clock.advanceMs(1_999);
    dispatcher.expireWaiters();
    assertFalse(waiting.isDone());

    clock.advanceMs(1);
    dispatcher.expireWaiters();
    assertEquals(FailureCodes.NO_QUOTA, failure(waiting).code());
    assertEquals(0, dispatcher.pendingWaiters());
  }

  @Test
  void waitIsCappedByMaxWaitMs() {
    takeOnlySlot();
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 60_000));

    clock.advanceMs(SchedulerConfig.DEFAULT_MAX_WAIT_MS);
    dispatcher.sweep();

    assertEquals(FailureCodes.NO_QUOTA, failure(waiting).code());
  }

  @Test
  void zeroWaitFailsAtOnceWhenEverythingIsBusy() {
    takeOnlySlot();

    assertEquals(FailureCodes.NO_QUOTA, failure(dispatcher.waitForGrants(request(1, 0, 0))).code());
  }

  @Test
  void immediateAndPrefetchAreAllGrantedWhenThereIsRoom() {
    dispatcher.heartbeat(servant("a").maxTasks(8).build());

    assertEquals(5, grants(dispatcher.waitForGrants(request(3, 2, 0))).size());
  }

  @Test
  void onlyTheFreeSlotsAreGrantedAndTheRestIsNotWaitedFor() {
    dispatcher.heartbeat(servant("a").maxTasks(2).build());

    CompletableFuture<GrantReply> reply = dispatcher.waitForGrants(request(3, 2, 5_000));

    assertEquals(2, grants(reply).size());
    assertEquals(0, dispatcher.pendingWaiters());
  }

  @Test
  void prefetchOnlyRequestMayWaitForItsFirstGrant() {
    long held = takeOnlySlot();
    CompletableFuture<GrantReply> prefetch = dispatcher.waitForGrants(request(0, 2, 5_000));
    assertFalse(prefetch.isDone());

    dispatcher.free(free(held));

    assertEquals(1, grants(prefetch).size());
  }

  @Test
  void wokenWaiterTakesEveryFreeSlotItAskedFor() {
    dispatcher.heartbeat(servant("a").cpus(4).maxTasks(4).load(4).build());
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(2, 1, 5_000));

    dispatcher.heartbeat(servant("a").cpus(4).maxTasks(4).load(0).build());

    assertEquals(3, grants(waiting).size());
  }

  @Test
  void waiterLearnsWhenItsCompilerLeavesTheCluster() {
    takeOnlySlot();
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 5_000));

    dispatcher.heartbeat(servant("a").maxTasks(1).leaseMs(0).build());
    dispatcher.sweep();

    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(waiting).code());
  }

  @Test
  void stoppingFailsEveryWaiter() {
    takeOnlySlot();
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 5_000));

    dispatcher.failAllWaiters(FailureCodes.NO_QUOTA, "stopping");

    assertEquals(FailureCodes.NO_QUOTA, failure(waiting).code());
  }

  @Test
  void malformedRequestsAreInvalidArguments() {
    dispatcher.heartbeat(servant("a").build());
    GrantRequest nothingWanted = request(0, 0, 0);
    GrantRequest hugeLease = new GrantRequest(Fixtures.USER, "h", Fixtures.GCC, 1, 0, 0, 60_000, 0);

    assertEquals(FailureCodes.INVALID_ARGUMENT, failure(dispatcher.waitForGrants(nothingWanted)).code());
    assertEquals(FailureCodes.INVALID_ARGUMENT, failure(dispatcher.waitForGrants(hugeLease)).code());
    assertTrue(dispatcher.liveGrants() == 0);
  }
}
