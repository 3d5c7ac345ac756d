package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.excluding;
import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Fixtures.unreachable;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.grants;
import static dev.vxcc.scheduler.Outcomes.servantOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.bus.UnreachableReport;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A servant that died or froze must stop getting grants at once, not when its lease runs out. */
class DeadServantTest {
  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(Fixtures.config(), clock);

  private List<String> servantsInView() {
    return dispatcher.view().servants().stream().map(o -> ((JsonObject) o).getString("servantId")).toList();
  }

  @Test
  void reportedServantGetsNoGrantsUntilItsNextHeartbeat() {
    dispatcher.heartbeat(servant("a").build());
    dispatcher.heartbeat(servant("b").build());
    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))));

    dispatcher.unreachable(unreachable("a"));
    for (int i = 0; i < 4; i++) {
      assertEquals("b", servantOf(dispatcher.waitForGrants(request(1, 0, 0))), "grant " + i);
    }

    // A live servant beats again within its period and is trusted again: a report cannot evict it for good.
    dispatcher.heartbeat(servant("a").build());
    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))));
  }

  @Test
  void reportingTheOnlyServantSendsItsWaitersLocalAtOnce() {
    dispatcher.heartbeat(servant("a").maxTasks(1).build());
    grants(dispatcher.waitForGrants(request(1, 0, 0)));
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 5_000));
    assertFalse(waiting.isDone());

    dispatcher.unreachable(unreachable("a"));

    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(waiting).code());
    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(dispatcher.waitForGrants(request(1, 0, 5_000))).code());
    assertTrue(dispatcher.view().servants().getJsonObject(0).getBoolean("suspect"));
  }

  @Test
  void reportNeedsAUserTokenAndTheServantsCurrentLocation() {
    dispatcher.heartbeat(servant("a").build());

    SchedulerException denied = assertThrows(SchedulerException.class,
        () -> dispatcher.unreachable(new UnreachableReport(Fixtures.SERVANT, "a", "a:8335", "x")));
    assertEquals(FailureCodes.ACCESS_DENIED, denied.code());
    // About an earlier process of this servant id at another port, or an unknown servant: no effect.
    dispatcher.unreachable(new UnreachableReport(Fixtures.USER, "a", "a:9999", "stale"));
    dispatcher.unreachable(new UnreachableReport(Fixtures.USER, "nobody", "nobody:8335", "unknown"));

    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))));
  }

  /** Heartbeats of a and b once a second for a few seconds, with a sweep after each round. */
  private void beatTogether(int seconds, String... ids) {
    for (int i = 0; i < seconds; i++) {
      for (String id : ids) {
        dispatcher.heartbeat(servant(id).build());
      }
      dispatcher.sweep();
      clock.advanceMs(1_000);
    }
  }

  @Test
  void aServantThatFellSilentIsSuspectWithinSecondsAndTrustedAgainAtItsNextHeartbeat() {
    beatTogether(5, "a", "b");
    // a froze (SIGSTOP): only b beats on. Its lease (10 s) has not run out, yet delegates should
    // learn now that its tasks straggle, and nothing more should be granted there.
    for (int i = 0; i < 4; i++) {
      dispatcher.heartbeat(servant("b").build());
      dispatcher.sweep();
      clock.advanceMs(1_000);
    }
    dispatcher.sweep();
    JsonObject a = dispatcher.view().servants().getJsonObject(0);
    assertEquals("a", a.getString("servantId"));
    assertTrue(a.getBoolean("suspect"), "silent for 4 heartbeat periods");
    for (int i = 0; i < 3; i++) {
      assertEquals("b", servantOf(dispatcher.waitForGrants(request(1, 0, 0))), "grant " + i);
    }

    dispatcher.heartbeat(servant("a").build());
    assertFalse(dispatcher.view().servants().getJsonObject(0).getBoolean("suspect"), "resumed");
  }

  @Test
  void aLateSweepBlamesNoServantForHeartbeatsTheSchedulerItselfDidNotRead() {
    beatTogether(3, "a");
    // The scheduler was stalled for 6 s (a GC pause, a loaded machine): its first sweep after that
    // sees every servant silent, though the heartbeats are still waiting to be read.
    clock.advanceMs(6_000);
    dispatcher.sweep();
    assertFalse(dispatcher.view().servants().getJsonObject(0).getBoolean("suspect"));
    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))));
  }

  @Test
  void aServantThatBeatsSlowlyIsJudgedByItsOwnPeriod() {
    for (int i = 0; i < 4; i++) {
      dispatcher.heartbeat(servant("a").build());
      for (int s = 0; s < 2; s++) {
        clock.advanceMs(1_000);
        dispatcher.sweep();
      }
    }
    // A heartbeat every 2 s (heartbeatMs 2000): 4 s of silence is two missed beats, not a freeze.
    for (int s = 0; s < 2; s++) {
      clock.advanceMs(1_000);
      dispatcher.sweep();
    }
    assertFalse(dispatcher.view().servants().getJsonObject(0).getBoolean("suspect"));
    for (int s = 0; s < 3; s++) {
      clock.advanceMs(1_000);
      dispatcher.sweep();
    }
    assertTrue(dispatcher.view().servants().getJsonObject(0).getBoolean("suspect"), "7 s: three periods missed");
  }

  @Test
  void servantsOfANodeThatLeftAreDroppedWithTheirGrants() {
    dispatcher.heartbeat(servant("a").node("node-1").build());
    dispatcher.heartbeat(servant("b").node("node-2").build());
    dispatcher.heartbeat(servant("c").build());
    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))));

    dispatcher.nodeLeft("node-1");
    // A servant that names no node (not clustered, or an older daemon) leaves only by its lease.
    dispatcher.nodeLeft("");

    assertEquals(List.of("b", "c"), servantsInView());
    assertEquals(0, dispatcher.liveGrants(), "the grant on the departed servant is freed with it");
    assertEquals("b", servantOf(dispatcher.waitForGrants(request(1, 0, 0))));
  }

  @Test
  void nodeLeftWhileOthersWaitForItsCompilerFailsThemOnceItsRejoinGraceEnds() {
    dispatcher.heartbeat(servant("a").node("node-1").maxTasks(1).build());
    grants(dispatcher.waitForGrants(request(1, 0, 0)));
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(request(1, 0, 5_000));

    dispatcher.nodeLeft("node-1");
    // A node "leaving" may be a split on a loaded machine with the servant back at its next heartbeat.
    assertFalse(waiting.isDone(), "refused before the servant could come back");

    clock.advanceMs(SchedulerConfig.REJOIN_GRACE_MS);
    dispatcher.sweep();
    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(waiting).code(), "within the grace, well before the wait's end");
    assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, failure(dispatcher.waitForGrants(request(1, 0, 5_000))).code());
  }

  @Test
  void excludedLocationsAreNotGrantedWhileAnotherServantCanRunTheTask() {
    dispatcher.heartbeat(servant("a").maxTasks(1).cpus(1).build());
    dispatcher.heartbeat(servant("b").maxTasks(1).cpus(1).build());

    assertEquals("b", servantOf(dispatcher.waitForGrants(excluding(0, "a:8335"))));
    // b is busy now; a is free but excluded, so the request waits for b rather than taking a.
    CompletableFuture<GrantReply> waiting = dispatcher.waitForGrants(excluding(5_000, "a:8335"));
    assertFalse(waiting.isDone());
    assertEquals("a", servantOf(dispatcher.waitForGrants(request(1, 0, 0))), "others may still use a");
  }

  @Test
  void whenEveryEligibleServantIsExcludedTheRequesterStillGetsOne() {
    dispatcher.heartbeat(servant("a").build());
    dispatcher.heartbeat(servant("b").digests(Fixtures.CLANG).build());

    // Exclusions are the requester's preference; its own penalty logic decides about the only gcc servant.
    assertEquals("a", servantOf(dispatcher.waitForGrants(excluding(0, "a:8335", "b:8335", "elsewhere:1"))));
  }

  @Test
  void tooManyExclusionsAreRefused() {
    dispatcher.heartbeat(servant("a").build());
    String[] many = Collections.nCopies(RequestChecks.MAX_EXCLUDED_LOCATIONS + 1, "x:1").toArray(String[]::new);

    assertEquals(FailureCodes.INVALID_ARGUMENT, failure(dispatcher.waitForGrants(excluding(0, many))).code());
  }

  @Test
  void messagesFromOlderPeersReadWithoutTheNewFields() {
    JsonObject oldBeat = servant("a").node("node-1").build().toJson();
    oldBeat.remove("nodeId");
    JsonObject oldGrant = excluding(0, "a:8335").toJson();
    oldGrant.remove("excludeLocations");

    assertEquals("", ServantHeartbeat.fromJson(oldBeat).nodeId());
    assertEquals(List.of(), GrantRequest.fromJson(oldGrant).excludeLocations());
    assertEquals(List.of("a:8335"), GrantRequest.fromJson(excluding(0, "a:8335").toJson()).excludeLocations());
  }
}
