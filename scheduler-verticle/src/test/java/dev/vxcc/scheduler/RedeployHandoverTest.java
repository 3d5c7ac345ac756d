package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Outcomes.grants;
import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.HeartbeatReply;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A scheduler replaced by a hot redeploy must not kill, nor reuse the ids of, the grants its predecessor issued. */
class RedeployHandoverTest {
  private final FakeClock clock = new FakeClock();

  @Test
  void theSuccessorLeavesThePredecessorsTasksRunningForALeasePeriodAndIssuesHigherIds() {
    TaskDispatcher old = new TaskDispatcher(Fixtures.config(), clock);
    old.heartbeat(servant("a").maxTasks(2).build());
    long running = grants(old.waitForGrants(request(1, 0, 0))).get(0).grantId();

    TaskDispatcher next = new TaskDispatcher(Fixtures.config(), clock, old.nextGrantId());
    HeartbeatReply reply = next.heartbeat(servant("a").maxTasks(2).tasks(task(running)).build());

    assertEquals(List.of(), reply.expiredGrants(), "the predecessor's task keeps running");
    assertEquals(List.of(task(running)), next.view(Fixtures.USER).runningTasks());
    long fresh = grants(next.waitForGrants(request(1, 0, 0))).stream().map(Grant::grantId).findFirst().orElseThrow();
    assertTrue(fresh > running, fresh + " must not reuse an id up to " + running);

    clock.advanceMs(TaskDispatcher.ADOPT_PREDECESSOR_GRANTS_MS);
    HeartbeatReply later = next.heartbeat(servant("a").maxTasks(2).tasks(task(running), task(fresh)).build());
    assertEquals(List.of(running), later.expiredGrants(), "after the delegates' own lease bound, an unknown grant is expired as always");
  }
}
