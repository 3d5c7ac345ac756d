package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.daemon.DaemonConstants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterViewKeeperTest {
  private final StepClock clock = new StepClock();
  /** Only the pure half is used here: what a view (or its absence) means to the delegate. */
  private final ClusterViewKeeper keeper = new ClusterViewKeeper(null, "t", clock);

  private static JsonObject servant(String location, int maxTasks, String... compilers) {
    return new JsonObject().put("location", location).put("maxTasks", maxTasks).put("compilerDigests", new JsonArray(List.of((Object[]) compilers)));
  }

  private static ClusterView view(String token, RunningTask... running) {
    JsonArray servants = new JsonArray().add(servant("a:1", 4, "gcc", "clang")).add(servant("b:1", 0, "icc"));
    return new ClusterView(servants, List.of(running), token);
  }

  @Test
  void nothingIsKnownBeforeTheFirstView() {
    assertNull(keeper.fresh());
    assertNull(keeper.compilers(), "compiles stay local: the scheduler may be down");
    assertNull(keeper.running("d"));
    assertEquals("", keeper.servingToken());
  }

  @Test
  void aViewTellsCompilersOfServantsThatTakeTasksRunningTasksAndTheToken() {
    RunningTask r = new RunningTask(7, 42, "a:1", "digest-1");
    keeper.accept(view("tok-1", r));
    assertEquals(Set.of("gcc", "clang"), keeper.compilers(), "a servant with no slots has no usable compilers");
    assertEquals(r, keeper.running("digest-1"));
    assertNull(keeper.running("digest-2"));
    assertEquals("tok-1", keeper.servingToken());
    assertNotNull(keeper.fresh());
  }

  @Test
  void aSchedulerThatJustTookOverDoesNotHideTheCompilersItHasNotHeardOfYet() {
    keeper.accept(view("tok-1"));
    keeper.accept(new ClusterView(new JsonArray(), List.of(), "tok-1", true));
    assertEquals(Set.of("gcc", "clang"), keeper.compilers(), "a task now would otherwise compile locally for nothing");

    keeper.accept(new ClusterView(new JsonArray().add(servant("c:1", 4, "gcc")), List.of(), "tok-1", false));
    assertEquals(Set.of("gcc"), keeper.compilers(), "once warm, the scheduler's view is the truth again");
  }

  @Test
  void compilesGoAsTreesFirstOnlyWhereEveryServantWithTheCompilerRunsTrees() {
    JsonArray trees = new JsonArray().add(dev.vxcc.common.bus.ServantHeartbeat.SOURCE_TREE);
    keeper.accept(new ClusterView(new JsonArray()
        .add(servant("a:1", 4, "gcc", "clang").put("capabilities", trees))
        .add(servant("b:1", 4, "gcc"))
        .add(servant("c:1", 0, "clang")), List.of(), "tok-1"));
    Set<String> known = keeper.compilers();
    assertTrue(known.contains(ClusterViewKeeper.sourceTreeKey("gcc")), "a runs gcc trees");
    assertFalse(known.contains(ClusterViewKeeper.onlyTreesKey("gcc")), "b would get no gcc compile if all went as trees");
    assertTrue(known.contains(ClusterViewKeeper.onlyTreesKey("clang")), "c takes no tasks at all");
  }

  @Test
  void aSuspectServantIsToldApartFromOneTheViewDoesNotListYet() {
    JsonArray servants = new JsonArray().add(servant("a:1", 4, "gcc").put("suspect", true)).add(servant("b:1", 4, "gcc"));
    keeper.accept(new ClusterView(servants, List.of(), "tok-1"));
    assertTrue(keeper.servantSuspect("a:1"), "silent or unreachable: a spare grant there is not used");
    assertFalse(keeper.servantSuspect("b:1"));
    assertFalse(keeper.servantSuspect("c:1"), "joined after this view: its grant is good");
    clock.advanceMs(DaemonConstants.VIEW_STALE_MS + 1);
    assertFalse(keeper.servantSuspect("a:1"), "a stale view says nothing about one servant");
  }

  @Test
  void aViewTooOldIsNotActedOnButStatsStillShowIt() {
    keeper.accept(view("tok-1"));
    clock.advanceMs(DaemonConstants.VIEW_STALE_MS);
    assertNotNull(keeper.fresh(), "still fresh at the limit");
    clock.advanceMs(1);
    assertNull(keeper.fresh());
    assertNull(keeper.compilers());
    assertNotNull(keeper.latest());
  }

  @Test
  void statsTellHowOldTheViewIsSoAResumedDaemonShowsWhenItReachesTheSchedulerAgain() {
    assertEquals(-1, keeper.ageMillis(), "no view yet");
    keeper.accept(view("tok-1"));
    clock.advanceMs(20_000);
    assertEquals(20_000, keeper.ageMillis(), "frozen, or cut off: the view it holds is that old");
    keeper.accept(view("tok-1"));
    assertEquals(0, keeper.ageMillis());
  }

  @Test
  void runningTasksAreForgottenOnlyOnceTheViewIsStale() {
    keeper.accept(view("tok-1", new RunningTask(7, 42, "a:1", "d")));
    keeper.failed(new RuntimeException("timeout"));
    assertNotNull(keeper.running("d"), "one missed refresh keeps what is still fresh");
    assertEquals("timeout", keeper.lastError());
    clock.advanceMs(DaemonConstants.VIEW_STALE_MS + 1);
    keeper.failed(new RuntimeException("timeout"));
    assertNull(keeper.running("d"), "a task that finished long ago must not be joined");
    keeper.accept(view("tok-1"));
    assertEquals("", keeper.lastError());
  }

  @Test
  void theNewestServingTokenWinsWhereverItCameFrom() {
    keeper.accept(view("tok-1"));
    keeper.servingTokenSeen("tok-2");
    assertEquals("tok-2", keeper.servingToken(), "from a grant reply");
    keeper.servingTokenSeen("");
    keeper.accept(view(""));
    assertEquals("tok-2", keeper.servingToken(), "an empty token never replaces a real one");
    keeper.accept(view("tok-3"));
    assertEquals("tok-3", keeper.servingToken());
  }
}
