package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.CLANG;
import static dev.vxcc.scheduler.Fixtures.GCC;
import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.servantOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.ServantHeartbeat;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServantPolicyTest {
  private static final long GIB = 1L << 30;

  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(Fixtures.config(), clock);

  @Test
  void onlyServantsWithTheRequestedCompilerAreChosen() {
    dispatcher.heartbeat(servant("a").digests(CLANG).build());
    dispatcher.heartbeat(servant("b").digests(CLANG, GCC).build());

    for (int i = 0; i < 3; i++) {
      assertEquals("b", servantOf(dispatcher.waitForGrants(request(GCC, "x", 1, 0, 0))));
    }
  }

  @Test
  void nobodyWithTheCompilerFailsAtOnceNamingTheDigest() {
    dispatcher.heartbeat(servant("a").digests(CLANG).build());

    SchedulerException e = failure(dispatcher.waitForGrants(request(GCC, "x", 1, 0, 5_000)));

    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, e.code());
    assertTrue(e.getMessage().contains(GCC), e.getMessage());
    assertEquals(0, dispatcher.pendingWaiters());
  }

  @Test
  void sourceTreeTasksGoOnlyToServantsAdvertisingThemWhileOthersStillServeOrdinaryTasks() {
    dispatcher.heartbeat(servant("old").maxTasks(4).build());
    dispatcher.heartbeat(servant("tree").maxTasks(1).sourceTree().build());

    assertEquals("tree", servantOf(dispatcher.waitForGrants(Fixtures.treeRequest(GCC, 1, 0))));
    // "tree" is full now: a second tree task is refused as busy, not handed to "old".
    assertEquals(FailureCodes.NO_QUOTA, failure(dispatcher.waitForGrants(Fixtures.treeRequest(GCC, 1, 0))).code());
    assertEquals("old", servantOf(dispatcher.waitForGrants(request(GCC, "x", 1, 0, 0))));
  }

  @Test
  void sourceTreeTaskWithoutAnyCapableServantFailsAtOnce() {
    dispatcher.heartbeat(servant("old").build());

    SchedulerException e = failure(dispatcher.waitForGrants(Fixtures.treeRequest(GCC, 1, 5_000)));

    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, e.code());
    assertTrue(e.getMessage().contains("source-tree"), e.getMessage());
    assertEquals(0, dispatcher.pendingWaiters());
  }

  @Test
  void servantsTooOldForTheRequestAreNotEligible() {
    dispatcher.heartbeat(servant("a").version(3).build());

    var req = new GrantRequest(Fixtures.USER, "x", GCC, 1, 0, 0, 15_000, 4);

    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(dispatcher.waitForGrants(req)).code());
  }

  @Test
  void requestersOwnHostIsOnlyTheLastResort() {
    dispatcher.heartbeat(servant("mine").host("dev1").maxTasks(4).build());
    dispatcher.heartbeat(servant("other").maxTasks(1).build());

    // "mine" is registered first and idle, yet "other" is preferred while it has room.
    assertEquals("other", servantOf(dispatcher.waitForGrants(request(GCC, "dev1", 1, 0, 0))));
    assertEquals("mine", servantOf(dispatcher.waitForGrants(request(GCC, "dev1", 1, 0, 0))));
  }

  @Test
  void dedicatedServantBelowHalfItsCpusIsPreferred() {
    dispatcher.heartbeat(servant("user").cpus(8).maxTasks(8).build());
    dispatcher.heartbeat(servant("dedicated").cpus(4).maxTasks(4).dedicated(true).build());
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      picks.add(servantOf(dispatcher.waitForGrants(request(1, 0, 0))));
    }

    // dedicated takes tasks while running*2 < 4 (two tasks), then plain utilisation decides.
    assertEquals(List.of("dedicated", "dedicated", "user"), picks);
  }

  @Test
  void lowestRunningToCapacityRatioWins() {
    dispatcher.heartbeat(servant("small").maxTasks(2).build());
    dispatcher.heartbeat(servant("big").maxTasks(8).build());
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      picks.add(servantOf(dispatcher.waitForGrants(request(1, 0, 0))));
    }

    // small 0/2 ties big 0/8 (registered first wins); then big until its ratio reaches small's 1/2.
    assertEquals(List.of("small", "big", "big", "big", "big"), picks);
  }

  @Test
  void capacityIsTheSmallerOfMaxTasksAndIdleCpus() {
    Servant s = new Servant("s", 0);
    s.update(servant("s").cpus(16).maxTasks(8).load(10).build(), 8, "", clock.instant(), clock.instant());
    assertEquals(6, s.capacity(GIB), "foreign load of 10 leaves 6 idle CPUs");

    s.assigned();
    s.assigned();
    assertEquals(6, s.capacity(GIB), "tasks granted after the heartbeat are not in the load it reported");

    s.update(servant("s").cpus(16).maxTasks(8).load(10).build(), 8, "", clock.instant(), clock.instant());
    assertEquals(8, s.capacity(GIB), "our own 2 tasks are part of the load, so only 8 are foreign");

    s.update(servant("s").cpus(16).maxTasks(8).load(20).build(), 8, "", clock.instant(), clock.instant());
    assertEquals(0, s.capacity(GIB), "a machine busier than its CPU count has no idle CPU");

    s.update(servant("s").cpus(0).maxTasks(3).load(0).build(), 3, "", clock.instant(), clock.instant());
    assertEquals(3, s.capacity(GIB), "unknown CPU count falls back to maxTasks");
  }

  @Test
  void aSlotFreedBetweenHeartbeatsIsGrantedAgainAtOnce() {
    dispatcher.heartbeat(servant("a").cpus(4).maxTasks(4).build());
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(Outcomes.grants(dispatcher.waitForGrants(request(1, 0, 0))).get(0).grantId());
    }
    // Its next heartbeat counts our 4 tasks as its load; then one of them finishes.
    dispatcher.heartbeat(servant("a").cpus(4).maxTasks(4).load(4).build());
    dispatcher.free(Fixtures.free(ids.get(0)));

    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))),
        "the freed task's CPU is not a stranger's load until the next heartbeat");
  }

  @Test
  void tasksTheServantListsAreNotForeignLoadEvenBeforeWeCountThem() {
    // As after a scheduler failover: the servant's load is tasks this scheduler has not counted yet.
    dispatcher.heartbeat(servant("a").cpus(4).maxTasks(4).load(2).tasks(Fixtures.task(900), Fixtures.task(901)).build());

    assertEquals(4, capacity("a"));
  }

  @Test
  void theServantsOwnJudgementOfForeignLoadIsTakenAsItIs() {
    // All 8 CPUs busy over its window, of which it judged 1 someone else's (the rest: our tasks, gone now).
    // It travels as JSON on the bus; an older servant's heartbeat has no such field.
    ServantHeartbeat judged = ServantHeartbeat.fromJson(servant("a").cpus(8).maxTasks(8).load(8).foreign(1).build().toJson());
    JsonObject older = servant("b").cpus(8).maxTasks(8).load(8).build().toJson();
    older.remove("foreignLoad");
    dispatcher.heartbeat(judged);
    dispatcher.heartbeat(ServantHeartbeat.fromJson(older));

    assertEquals(7, capacity("a"));
    assertEquals(0, capacity("b"), "from an older servant the same load, with none of our tasks counted, is all foreign");
  }

  @Test
  void aForeignLoadThatIsNotANumberIsRefused() {
    SchedulerException e = org.junit.jupiter.api.Assertions.assertThrows(SchedulerException.class,
        () -> dispatcher.heartbeat(servant("a").foreign(Double.POSITIVE_INFINITY).build()));

    assertEquals(FailureCodes.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().contains("foreignLoad"), e.getMessage());
  }

  private int capacity(String id) {
    return dispatcher.view().servants().stream().map(JsonObject.class::cast)
        .filter(j -> j.getString("servantId").equals(id)).findFirst().orElseThrow().getInteger("capacity");
  }

  @Test
  void lowAvailableMemoryLeavesNoRoom() {
    dispatcher.heartbeat(servant("a").memory(16 * GIB, GIB / 2).build());

    assertEquals(FailureCodes.NO_QUOTA, failure(dispatcher.waitForGrants(request(1, 0, 0))).code());

    dispatcher.heartbeat(servant("a").memory(16 * GIB, 2 * GIB).build());
    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))));
  }

  @Test
  void yadccWorkedExampleWithLoadFollowingGrants() {
    double[] load = {1, 5, 12};
    int[] max = {7, 8, 6};
    String[] ids = {"A", "B", "C"};
    for (int i = 0; i < 3; i++) {
      dispatcher.heartbeat(servant(ids[i]).cpus(16).maxTasks(max[i]).load(load[i]).build());
    }
    List<String> picks = new ArrayList<>();
    for (int n = 0; n < 7; n++) {
      String picked = servantOf(dispatcher.waitForGrants(request(1, 0, 0)));
      picks.add(picked);
      int i = List.of(ids).indexOf(picked);
      load[i] += 1;
      // The servant's next heartbeat reports the extra busy CPU; running is kept by the scheduler.
      dispatcher.heartbeat(servant(ids[i]).cpus(16).maxTasks(max[i]).load(load[i]).build());
    }

    assertEquals(List.of("A", "B", "C", "B", "A", "B", "C"), picks);
  }

  @Test
  void fullyLoadedServantMakesTheRequestTimeOutNotEnvironmentMissing() {
    dispatcher.heartbeat(servant("a").cpus(16).load(16).build());

    assertEquals(FailureCodes.NO_QUOTA, failure(dispatcher.waitForGrants(request(1, 0, 0))).code());
  }
}
