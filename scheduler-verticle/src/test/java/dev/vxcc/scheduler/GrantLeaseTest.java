package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.free;
import static dev.vxcc.scheduler.Fixtures.keepAlive;
import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Fixtures.task;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.grants;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.HeartbeatReply;
import dev.vxcc.common.bus.RunningTask;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantLeaseTest {
  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(Fixtures.config(), clock);

  /** Grants use a 15 s lease (see {@link Fixtures#request}); servants a 10 s one. */
  private List<Long> grantIds(int n) {
    return grants(dispatcher.waitForGrants(request(n, 0, 0))).stream().map(Grant::grantId).toList();
  }

  private JsonObject summary(String servantId) {
    return dispatcher.view().servants().stream()
        .map(JsonObject.class::cast)
        .filter(j -> j.getString("servantId").equals(servantId))
        .findFirst().orElseThrow();
  }

  private void keepServantAlive(RunningTask... tasks) {
    dispatcher.heartbeat(servant("a").maxTasks(1).tasks(tasks).build());
  }

  @Test
  void expiredGrantBecomesZombieAndStillOccupiesItsSlot() {
    dispatcher.heartbeat(servant("a").maxTasks(1).build());
    long id = grantIds(1).get(0);

    clock.advanceMs(15_000);
    keepServantAlive(task(id));
    dispatcher.sweep();

    assertEquals(List.of(false), dispatcher.keepAlive(keepAlive(List.of(id))).alive());
    assertEquals(1, summary("a").getInteger("running"));
    assertEquals(FailureCodes.NO_QUOTA, failure(dispatcher.waitForGrants(request(1, 0, 0))).code());
  }

  @Test
  void heartbeatNotListingAZombieFreesIt() {
    dispatcher.heartbeat(servant("a").maxTasks(1).build());
    long id = grantIds(1).get(0);
    clock.advanceMs(15_000);
    keepServantAlive(task(id));
    dispatcher.sweep();

    keepServantAlive();

    assertEquals(0, summary("a").getInteger("running"));
    assertEquals(1, grants(dispatcher.waitForGrants(request(1, 0, 0))).size());
  }

  @Test
  void heartbeatListingAZombieGetsItBackAsExpired() {
    dispatcher.heartbeat(servant("a").maxTasks(1).build());
    long id = grantIds(1).get(0);
    clock.advanceMs(15_000);
    keepServantAlive(task(id));
    dispatcher.sweep();

    HeartbeatReply reply = dispatcher.heartbeat(servant("a").maxTasks(1).tasks(task(id)).build());

    assertEquals(List.of(id), reply.expiredGrants());
    assertEquals(List.of(), dispatcher.view(Fixtures.USER).runningTasks());
  }

  @Test
  void heartbeatListingUnknownOrForeignGrantsGetsThemBackAsExpired() {
    dispatcher.heartbeat(servant("a").maxTasks(1).build());
    dispatcher.heartbeat(servant("b").maxTasks(1).build());
    List<Long> ids = grantIds(2);
    long onA = ids.get(0);
    long onB = ids.get(1);

    HeartbeatReply reply = dispatcher.heartbeat(servant("a").maxTasks(1).tasks(task(onA), task(onB), task(99)).build());

    assertEquals(List.of(onB, 99L), reply.expiredGrants());
    assertEquals(List.of(task(onA)), dispatcher.view(Fixtures.USER).runningTasks(), "the view keeps only recognised tasks");
  }

  @Test
  void keepAliveExtendsTheLease() {
    dispatcher.heartbeat(servant("a").maxTasks(1).leaseMs(30_000).build());
    long id = grantIds(1).get(0);

    clock.advanceMs(10_000);
    assertEquals(List.of(true, false), dispatcher.keepAlive(keepAlive(List.of(id, 42L))).alive());
    clock.advanceMs(9_999);
    dispatcher.sweep();

    assertEquals(List.of(true), dispatcher.keepAlive(keepAlive(List.of(id))).alive());
  }

  @Test
  void expiredServantIsRemovedAndItsGrantsFreed() {
    dispatcher.heartbeat(servant("a").maxTasks(1).build());
    long id = grantIds(1).get(0);

    clock.advanceMs(9_999);
    dispatcher.sweep();
    assertEquals(1, dispatcher.view().servants().size());

    clock.advanceMs(1);
    dispatcher.sweep();
    assertEquals(0, dispatcher.view().servants().size());
    assertEquals(0, dispatcher.liveGrants());
    assertEquals(List.of(false), dispatcher.keepAlive(keepAlive(List.of(id))).alive());
  }

  @Test
  void leavingServantGetsNoNewWorkAndGoesAtTheNextSweep() {
    dispatcher.heartbeat(servant("a").build());
    dispatcher.heartbeat(servant("a").leaseMs(0).build());

    assertEquals(0, summary("a").getInteger("capacity"));
    dispatcher.sweep();
    assertEquals(0, dispatcher.view().servants().size());
  }

  @Test
  void aSecondGoodbyeAfterTheSweepDoesNotBringTheServantBack() {
    dispatcher.heartbeat(servant("a").build());
    dispatcher.heartbeat(servant("a").leaseMs(0).build());
    dispatcher.sweep();

    dispatcher.heartbeat(servant("a").leaseMs(0).build());

    assertEquals(0, dispatcher.view().servants().size());
  }

  @Test
  void freeingABatchSkipsUnknownIdsAndFreesTheRest() {
    dispatcher.heartbeat(servant("a").maxTasks(3).build());
    List<Long> ids = grantIds(3);

    dispatcher.free(free(ids.get(0), 12345L, ids.get(1), ids.get(2)));

    assertEquals(0, dispatcher.liveGrants());
    assertEquals(0, summary("a").getInteger("running"));
    assertEquals(3, summary("a").getLong("everAssigned"));
  }

  @Test
  void heartbeatReplacesStateButKeepsTheRunningCount() {
    dispatcher.heartbeat(servant("a").maxTasks(4).build());
    grantIds(2);

    dispatcher.heartbeat(servant("a").maxTasks(6).digests("other").build());

    assertEquals(2, summary("a").getInteger("running"));
    assertEquals(6, summary("a").getInteger("maxTasks"));
    assertEquals(List.of("other"), summary("a").getJsonArray("compilerDigests").getList());
  }
}
