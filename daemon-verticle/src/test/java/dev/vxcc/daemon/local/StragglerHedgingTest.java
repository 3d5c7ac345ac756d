package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The pure parts of straggler hedging: duration history, argument shapes, the watch list, the race, the settings. */
class StragglerHedgingTest {
  private final StepClock clock = new StepClock();

  @Test
  void aShapeIsExpectedToTakeAboutAsLongAsItsSlowerRecentRuns() {
    DurationHistory h = new DurationHistory(10, 3, 100);
    h.record("gcc", "O2", 100);
    h.record("gcc", "O2", 120);
    assertTrue(h.expected("gcc", "O2").isEmpty(), "two samples are not enough to call anything slow");
    h.record("gcc", "O2", 900);
    assertEquals(OptionalLong.of(900), h.expected("gcc", "O2"));
    for (int i = 0; i < 10; i++) {
      h.record("gcc", "O2", 100 + i);
    }
    assertEquals(OptionalLong.of(108), h.expected("gcc", "O2"), "only recent samples count, an old outlier is forgotten");
  }

  @Test
  void aNewShapeIsJudgedByItsCompilersHistoryAndAnotherCompilersNot() {
    DurationHistory h = new DurationHistory(10, 3, 100);
    h.record("gcc", "O2", 200);
    h.record("gcc", "O0", 200);
    h.record("gcc", "g", 200);
    assertEquals(OptionalLong.of(200), h.expected("gcc", "Os"));
    assertTrue(h.expected("clang", "O2").isEmpty());
  }

  @Test
  void theHistoryForgetsTheLeastRecentlyUsedShapesBeyondItsBound() {
    DurationHistory h = new DurationHistory(4, 1, 4);
    for (int i = 0; i < 100; i++) {
      h.record("gcc", "shape" + i, 10);
    }
    assertEquals(4, h.keys());
  }

  @Test
  void filesOfOneTargetShareAShapeButOtherFlagsOrAMuchBiggerSourceDoNot() {
    String a = ArgumentShape.of(List.of("-O2", "-c", "-o", "obj/a.o", "-MF", "obj/a.d"), 1000);
    String b = ArgumentShape.of(List.of("-O2", "-c", "-o", "obj/b.o", "-MF", "obj/b.d"), 1010);
    assertEquals(a, b);
    assertNotEquals(a, ArgumentShape.of(List.of("-O0", "-c", "-o", "obj/a.o", "-MF", "obj/a.d"), 1000));
    assertNotEquals(a, ArgumentShape.of(List.of("-O2", "-c", "-o", "obj/b.o", "-MF", "obj/b.d"), 100_000));
  }

  @Test
  void aTaskIsDueOncePastItsDeadlineOrWhenItsServantIsGoneAndOnlyOnce() {
    Stragglers s = new Stragglers(clock, 8);
    Stragglers.Watch late = s.watch("a:1", clock.millis() + 1_000, () -> {});
    Stragglers.Watch unknown = s.watch("b:1", Long.MAX_VALUE, () -> {});
    assertEquals(List.of(), s.due((loc, since) -> false));
    clock.advanceMs(1_000);
    assertEquals(List.of(late), s.due((loc, since) -> false));
    assertEquals(List.of(), s.due((loc, since) -> false), "hedged once");
    assertEquals(List.of(unknown), s.due((loc, since) -> loc.equals("b:1")), "no history, but its servant vanished");
    s.unwatch(late);
    s.unwatch(unknown);
    assertEquals(0, s.size());
  }

  @Test
  void noMoreHedgesRunAtOnceThanTheBudget() {
    Stragglers s = new Stragglers(clock, 2);
    List<Stragglers.Watch> w = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      w.add(s.watch("a:" + i, 0, () -> {}));
    }
    assertEquals(w.subList(0, 2), s.due((loc, since) -> false));
    assertEquals(List.of(), s.due((loc, since) -> false));
    s.unwatch(w.get(0));
    assertEquals(List.of(w.get(2)), s.due((loc, since) -> false), "a finished one frees its place");
  }

  private static RemoteResult result(String servant) {
    return new RemoteResult(0, new byte[0], new byte[0], Map.of(), servant);
  }

  @Test
  void theFirstRunToSucceedWinsAndTheOtherIsCancelled() {
    Cancellation whole = new Cancellation();
    HedgedRun race = new HedgedRun(whole);
    Promise<RemoteResult> first = Promise.promise();
    Promise<RemoteResult> second = Promise.promise();
    List<Cancellation> runs = new ArrayList<>();
    race.start(c -> {
      runs.add(c);
      return first.future();
    });
    race.start(c -> {
      runs.add(c);
      return second.future();
    });
    second.complete(result("b"));
    assertEquals("b", race.result().result().servant());
    assertTrue(runs.get(0).isCancelled(), "the loser is told to stop");
    assertFalse(runs.get(1).isCancelled());
    assertFalse(whole.isCancelled(), "the task itself is not cancelled: its grant is freed, not left to lapse");
    first.fail(new IllegalStateException("cancelled"));
    assertTrue(race.result().succeeded());
    assertFalse(race.open());
  }

  @Test
  void oneFailedRunWaitsForTheOtherAndBothFailingIsWorthARetry() {
    HedgedRun race = new HedgedRun(new Cancellation());
    Promise<RemoteResult> first = Promise.promise();
    Promise<RemoteResult> second = Promise.promise();
    race.start(c -> first.future());
    race.start(c -> second.future());
    first.fail(new ServantSession.ServantFailure("servant lost the task"));
    assertFalse(race.result().isComplete());
    second.fail(new IllegalStateException("no other servant"));
    assertTrue(race.result().cause() instanceof ServantSession.ServantFailure, "retried elsewhere: " + race.result().cause());
  }

  @Test
  void cancellingTheTaskCancelsEveryRunAndStartsNoMore() {
    Cancellation whole = new Cancellation();
    HedgedRun race = new HedgedRun(whole);
    List<Cancellation> runs = new ArrayList<>();
    race.start(c -> {
      runs.add(c);
      return Promise.<RemoteResult>promise().future();
    });
    whole.cancel("wrapper gone");
    assertTrue(runs.getFirst().isCancelled());
    race.start(c -> {
      runs.add(c);
      return Future.succeededFuture(result("x"));
    });
    assertEquals(1, runs.size());
  }

  @Test
  void hedgeSettingsAreCheckedAndTheDeadlineHasAFloor() {
    HedgeConfig dflt = HedgeConfig.fromNodeConfig(new JsonObject());
    assertEquals(Long.MAX_VALUE, dflt.deadline(1_000, OptionalLong.empty()));
    assertEquals(1_000 + dflt.minMs(), dflt.deadline(1_000, OptionalLong.of(10)));
    assertEquals(1_000 + 60_000, dflt.deadline(1_000, OptionalLong.of(20_000)));
    HedgeConfig off = HedgeConfig.fromNodeConfig(new JsonObject().put("daemon", new JsonObject().put("hedgeMultiple", 0)));
    assertEquals(Long.MAX_VALUE, off.deadline(0, OptionalLong.of(10)));
    assertThrows(IllegalArgumentException.class,
        () -> HedgeConfig.fromNodeConfig(new JsonObject().put("daemon", new JsonObject().put("hedgeMultiple", 1.0))));
    assertThrows(IllegalArgumentException.class,
        () -> HedgeConfig.fromNodeConfig(new JsonObject().put("daemon", new JsonObject().put("hedgeMaxInFlight", -1))));
  }
}
