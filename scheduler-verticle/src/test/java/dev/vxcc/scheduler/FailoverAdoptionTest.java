package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.free;
import static dev.vxcc.scheduler.Fixtures.keepAlive;
import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Fixtures.task;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.grants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.KeepAliveRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A scheduler taking over from a dead one: the servants' running tasks keep running under their old
 * grant ids, the delegates that hold those ids keep them alive, and new ids never collide with old ones.
 */
class FailoverAdoptionTest {
  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher old = new TaskDispatcher(Fixtures.config(), clock);

  private TaskDispatcher takeOver() {
    clock.advanceMs(700);
    return new TaskDispatcher(Fixtures.config(), clock, Duration.ofMillis(SchedulerConfig.WARMUP_MS));
  }

  private List<Long> grantIds(TaskDispatcher d, int n) {
    return grants(d.waitForGrants(request(n, 0, 0))).stream().map(Grant::grantId).toList();
  }

  @Test
  void successorAdoptsRunningTasksInsteadOfKillingThem() {
    old.heartbeat(servant("a").maxTasks(2).build());
    List<Long> ids = grantIds(old, 2);

    TaskDispatcher next = takeOver();
    var reply = next.heartbeat(servant("a").maxTasks(2).tasks(task(ids.get(0)), task(ids.get(1))).build());

    assertEquals(List.of(), reply.expiredGrants(), "the successor must not kill work it inherited");
    assertEquals(2, next.liveGrants());
    assertEquals(List.of(true, true), next.keepAlive(keepAlive(ids)).alive(), "the delegate keeps its grants alive");
    assertEquals(FailureCodes.NO_QUOTA, failure(next.waitForGrants(request(1, 0, 0))).code(),
        "adopted tasks still occupy their servant's slots");
  }

  @Test
  void newGrantIdsNeverCollideWithThePredecessors() {
    old.heartbeat(servant("a").maxTasks(4).build());
    List<Long> oldIds = grantIds(old, 2);

    TaskDispatcher next = takeOver();
    next.heartbeat(servant("a").maxTasks(4).tasks(task(oldIds.get(0)), task(oldIds.get(1))).build());
    List<Long> newIds = grantIds(next, 2);

    assertTrue(newIds.stream().allMatch(id -> id > oldIds.get(1)), "new ids " + newIds + " vs old " + oldIds);
  }

  @Test
  void adoptedGrantBelongsToTheFirstDelegateThatRenewsIt() {
    old.heartbeat(servant("a").maxTasks(1).build());
    long id = grantIds(old, 1).get(0);
    TaskDispatcher next = takeOver();
    next.heartbeat(servant("a").maxTasks(1).tasks(task(id)).build());

    assertEquals(List.of(true), next.keepAlive(new KeepAliveRequest(Fixtures.USER, List.of(id), 10_000, "me")).alive());

    assertEquals(List.of(false), next.keepAlive(new KeepAliveRequest(Fixtures.USER, List.of(id), 10_000, "other")).alive(),
        "once claimed, another requestor cannot renew it");
  }

  @Test
  void adoptedGrantNobodyRenewsIsKilledAfterItsLease() {
    old.heartbeat(servant("a").maxTasks(1).leaseMs(30_000).build());
    long id = grantIds(old, 1).get(0);
    TaskDispatcher next = takeOver();
    next.heartbeat(servant("a").maxTasks(1).leaseMs(30_000).tasks(task(id)).build());

    clock.advanceMs(SchedulerConfig.ADOPTED_LEASE_MS);
    next.sweep();
    var reply = next.heartbeat(servant("a").maxTasks(1).leaseMs(30_000).tasks(task(id)).build());

    assertEquals(List.of(id), reply.expiredGrants());
  }

  @Test
  void freeingAnAdoptedGrantFreesItsSlot() {
    old.heartbeat(servant("a").maxTasks(1).build());
    long id = grantIds(old, 1).get(0);
    TaskDispatcher next = takeOver();
    next.heartbeat(servant("a").maxTasks(1).tasks(task(id)).build());

    next.free(free(id));

    assertEquals(0, next.liveGrants());
    assertEquals(1, grantIds(next, 1).size());
  }

  @Test
  void idsThisSchedulerIssuedAndForgotAreStillKilled() {
    TaskDispatcher next = takeOver();
    next.heartbeat(servant("a").maxTasks(1).build());
    long id = grantIds(next, 1).get(0);
    next.free(free(id));

    var reply = next.heartbeat(servant("a").maxTasks(1).tasks(task(id)).build());

    assertEquals(List.of(id), reply.expiredGrants());
  }

  @Test
  void aTaskOfAnEarlierSchedulerReportedByAKnownServantIsNotAdopted() {
    TaskDispatcher next = takeOver();
    next.heartbeat(servant("a").maxTasks(1).build());

    var reply = next.heartbeat(servant("a").maxTasks(1).tasks(task(99)).build());

    assertEquals(List.of(99L), reply.expiredGrants(), "adoption happens only on a servant's first heartbeat");
  }

  @Test
  void duringWarmUpACompilerNobodyReportedYetIsWaitedFor() {
    TaskDispatcher next = takeOver();
    CompletableFuture<GrantReply> waiting = next.waitForGrants(request(1, 0, 5_000));
    assertFalse(waiting.isDone(), "a fresh scheduler has not heard every servant yet");

    next.heartbeat(servant("a").maxTasks(1).build());

    assertEquals(1, grants(waiting).size());
  }

  @Test
  void afterWarmUpAnUnknownCompilerIsRefusedAtOnce() {
    TaskDispatcher next = takeOver();
    CompletableFuture<GrantReply> waiting = next.waitForGrants(request(1, 0, 5_000));

    clock.advanceMs(SchedulerConfig.WARMUP_MS);
    next.sweep();

    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(waiting).code(), "waiting longer would not help");
    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(next.waitForGrants(request(1, 0, 5_000))).code());
  }
}
