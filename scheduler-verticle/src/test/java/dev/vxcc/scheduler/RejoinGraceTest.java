package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.keepAlive;
import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Fixtures.task;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.grants;
import static dev.vxcc.scheduler.Outcomes.servantOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A healthy servant declared gone by a cluster split (seen in the chaos suite: a frozen member made
 * Hazelcast split on a loaded machine, the scheduler dropped the other servant with its node, and it
 * heartbeat again 0.2 s later): its running tasks must not be killed and the compiler it alone offered
 * must not send the build local.
 */
class RejoinGraceTest {
  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(Fixtures.config(), clock);

  private List<Long> grantIds(int n) {
    return grants(dispatcher.waitForGrants(request(n, 0, 0))).stream().map(Grant::grantId).toList();
  }

  @Test
  void servantBackWithinTheGraceKeepsItsRunningTasks() {
    dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).build());
    List<Long> ids = grantIds(2);

    dispatcher.nodeLeft("node-1");
    assertEquals(0, dispatcher.liveGrants(), "gone from the cluster view at once");
    clock.advanceMs(200);
    var reply = dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).tasks(task(ids.get(0)), task(ids.get(1))).build());

    assertEquals(List.of(), reply.expiredGrants(), "work its delegates wait for must not be killed");
    assertEquals(List.of(true, true), dispatcher.keepAlive(keepAlive(ids)).alive(), "the delegate still holds its grants");
    assertEquals(FailureCodes.NO_QUOTA, failure(dispatcher.waitForGrants(request(1, 0, 0))).code(),
        "the returned tasks still occupy the servant's slots");
  }

  @Test
  void onlyTasksTheServantStillRunsComeBack() {
    dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).build());
    List<Long> ids = grantIds(2);

    dispatcher.nodeLeft("node-1");
    dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).tasks(task(ids.get(0))).build());

    assertEquals(List.of(true, false), dispatcher.keepAlive(keepAlive(ids)).alive());
    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))), "the finished task's slot is free");
  }

  @Test
  void servantBackAfterTheGraceIsToldToKillItsOldTasks() {
    dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).build());
    List<Long> ids = grantIds(1);

    dispatcher.nodeLeft("node-1");
    clock.advanceMs(SchedulerConfig.REJOIN_GRACE_MS);
    dispatcher.sweep();
    var reply = dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).tasks(task(ids.get(0))).build());

    assertEquals(ids, reply.expiredGrants(), "after the grace its delegate has given up on the grant");
  }

  @Test
  void requestForItsCompilerDuringTheGraceIsServedWhenItComesBack() {
    dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).build());
    dispatcher.nodeLeft("node-1");

    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 5_000));
    assertFalse(waiting.isDone(), "waits instead of sending the compile local");
    assertTrue(dispatcher.view().warmingUp(), "delegates keep the compilers they knew meanwhile");
    dispatcher.heartbeat(servant("a").node("node-1").maxTasks(2).build());

    assertEquals("a", servantOf(waiting));
  }

  @Test
  void aRequestThatMayNotWaitIsStillRefusedAtOnce() {
    dispatcher.heartbeat(servant("a").node("node-1").build());
    dispatcher.nodeLeft("node-1");

    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(dispatcher.waitForGrants(request(1, 0, 0))).code());
  }
}
