package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.GCC;
import static dev.vxcc.scheduler.Fixtures.SERVANT;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Fixtures.task;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.grants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.KeepAliveRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What a valid token of the wrong role or of another holder can do to grants: renew and free only its
 * own, take at most the per-token limit, see running tasks and the serving token only with its role.
 */
class GrantOwnershipTest {
  private static final String ALICE = "alice-token";
  private static final String MALLORY = "mallory-token";

  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(SchedulerConfig.fromJson(new JsonObject()
      .put("userTokens", List.of(ALICE, MALLORY))
      .put("servantTokens", List.of(SERVANT))
      .put("maxGrantsPerToken", 3)), clock);

  private static GrantRequest ask(String token, String requestorId, int immediate) {
    return new GrantRequest(token, "dev", GCC, immediate, 0, 0, 15_000, 0, requestorId);
  }

  private List<Long> grantIds(String token, String requestorId, int n) {
    return grants(dispatcher.waitForGrants(ask(token, requestorId, n))).stream().map(Grant::grantId).toList();
  }

  private List<Boolean> renew(String token, String requestorId, List<Long> ids) {
    return dispatcher.keepAlive(new KeepAliveRequest(token, ids, 10_000, requestorId)).alive();
  }

  private int running() {
    return dispatcher.view().servants().getJsonObject(0).getInteger("running");
  }

  @Test
  void anotherTokenCannotKeepAGrantAliveSoItLapsesOnTime() {
    dispatcher.heartbeat(servant("a").build());
    long id = grantIds(ALICE, "a1", 1).get(0);

    clock.advanceMs(10_000);
    // Answers exactly as for an unknown id: a foreign id cannot even be confirmed to exist.
    assertEquals(List.of(false), renew(MALLORY, "a1", List.of(id)));
    assertEquals(List.of(false), renew(MALLORY, "a1", List.of(999L)));
    clock.advanceMs(5_000);
    dispatcher.heartbeat(servant("a").tasks(task(id)).build());
    dispatcher.sweep();

    assertEquals(List.of(false), renew(ALICE, "a1", List.of(id)), "lapsed at its own deadline");
  }

  @Test
  void sameTokenWithAnotherRequestorIdCannotKeepAGrantAlive() {
    dispatcher.heartbeat(servant("a").build());
    long id = grantIds(ALICE, "laptop-of-alice", 1).get(0);

    clock.advanceMs(10_000);
    // The attack: renew every id there could be, hoping to pin everyone's slots.
    List<Long> everyId = LongStream.rangeClosed(1, 100).boxed().toList();
    assertTrue(renew(ALICE, "laptop-of-mallory", everyId).stream().noneMatch(b -> b));
    assertEquals(List.of(false), renew(ALICE, "", List.of(id)));
    clock.advanceMs(5_000);
    dispatcher.heartbeat(servant("a").tasks(task(id)).build());
    dispatcher.sweep();

    assertEquals(List.of(false), renew(ALICE, "laptop-of-alice", List.of(id)));
  }

  @Test
  void theHolderStillRenewsAndFreesItsOwnGrants() {
    dispatcher.heartbeat(servant("a").build());
    List<Long> ids = grantIds(ALICE, "a1", 2);

    clock.advanceMs(10_000);
    assertEquals(List.of(true, true), renew(ALICE, "a1", ids));
    clock.advanceMs(8_000);
    dispatcher.heartbeat(servant("a").tasks(task(ids.get(0)), task(ids.get(1))).build());
    dispatcher.sweep();
    assertEquals(List.of(true, true), renew(ALICE, "a1", ids), "renewed grants outlive their first lease");

    dispatcher.free(new FreeRequest(ALICE, ids, "a1"));
    assertEquals(0, dispatcher.liveGrants());
    assertEquals(0, running());
  }

  @Test
  void anotherHolderCannotFreeAGrant() {
    dispatcher.heartbeat(servant("a").build());
    long id = grantIds(ALICE, "a1", 1).get(0);

    dispatcher.free(new FreeRequest(MALLORY, List.of(id), "a1"));
    dispatcher.free(new FreeRequest(ALICE, List.of(id), "a2"));

    assertEquals(1, dispatcher.liveGrants());
    assertEquals(1, running());
    assertEquals(List.of(true), renew(ALICE, "a1", List.of(id)));
  }

  @Test
  void servantTokenCannotAskRenewOrFree() {
    dispatcher.heartbeat(servant("a").build());
    long id = grantIds(ALICE, "a1", 1).get(0);

    assertEquals(FailureCodes.ACCESS_DENIED, failure(dispatcher.waitForGrants(ask(SERVANT, "s", 1))).code());
    assertEquals(FailureCodes.ACCESS_DENIED, assertThrows(SchedulerException.class,
        () -> renew(SERVANT, "a1", List.of(id))).code());
    assertEquals(FailureCodes.ACCESS_DENIED, assertThrows(SchedulerException.class,
        () -> dispatcher.free(new FreeRequest(SERVANT, List.of(id), "a1"))).code());
    assertEquals(1, dispatcher.liveGrants());
  }

  @Test
  void aTokenGetsAtMostItsLimitAcrossRequestorsThenAClearRefusal() {
    dispatcher.heartbeat(servant("a").maxTasks(8).build());

    assertEquals(2, grantIds(ALICE, "a1", 2).size());
    assertEquals(1, grantIds(ALICE, "a2", 4).size(), "the batch is trimmed to the limit");
    SchedulerException e = failure(dispatcher.waitForGrants(ask(ALICE, "a3", 1)));

    assertEquals(FailureCodes.GRANT_LIMIT, e.code());
    assertTrue(e.getMessage().contains("maxGrantsPerToken"), e.getMessage());
    assertEquals(3, grantIds(MALLORY, "m1", 3).size(), "another token has its own allowance");
  }

  @Test
  void lapsedGrantsCountUntilTheServantDropsThemAndFreedOnesAtOnce() {
    dispatcher.heartbeat(servant("a").maxTasks(8).build());
    List<Long> ids = grantIds(ALICE, "a1", 3);
    dispatcher.free(new FreeRequest(ALICE, List.of(ids.get(0)), "a1"));
    assertEquals(1, grantIds(ALICE, "a1", 1).size());

    clock.advanceMs(15_000);
    dispatcher.heartbeat(servant("a").maxTasks(8).tasks(task(ids.get(1)), task(ids.get(2))).build());
    dispatcher.sweep();
    // Zombies still occupy servant slots, so they still count against the token.
    assertEquals(FailureCodes.GRANT_LIMIT, failure(dispatcher.waitForGrants(ask(ALICE, "a1", 1))).code());

    dispatcher.heartbeat(servant("a").maxTasks(8).build());
    assertEquals(3, grantIds(ALICE, "a1", 3).size());
  }

  @Test
  void aWaiterWhoseTokenReachedTheLimitMeanwhileIsRefused() {
    // The only clang servant is busy with someone else's work, so the clang request waits.
    dispatcher.heartbeat(servant("c").digests(Fixtures.CLANG).cpus(1).maxTasks(1).load(1).build());
    var waiting = dispatcher.waitForGrants(new GrantRequest(ALICE, "dev", Fixtures.CLANG, 1, 0, 5_000, 15_000, 0, "a1"));
    assertFalse(waiting.isDone());
    dispatcher.heartbeat(servant("a").maxTasks(8).build());
    assertEquals(3, grantIds(ALICE, "a2", 3).size());

    dispatcher.heartbeat(servant("c").digests(Fixtures.CLANG).cpus(1).maxTasks(1).load(0).build());

    assertEquals(FailureCodes.GRANT_LIMIT, failure(waiting).code());
    assertEquals(3, dispatcher.liveGrants());
  }

  @Test
  void aTokenMayHaveAtMostItsLimitOfRequestsWaiting() {
    dispatcher.heartbeat(servant("a").cpus(1).maxTasks(1).load(1).build());
    for (int i = 0; i < 3; i++) {
      assertFalse(dispatcher.waitForGrants(new GrantRequest(ALICE, "dev", GCC, 1, 0, 5_000, 15_000, 0, "a" + i)).isDone());
    }

    SchedulerException e = failure(dispatcher.waitForGrants(new GrantRequest(ALICE, "dev", GCC, 1, 0, 5_000, 15_000, 0, "a")));

    assertEquals(FailureCodes.GRANT_LIMIT, e.code());
    assertFalse(dispatcher.waitForGrants(new GrantRequest(MALLORY, "dev", GCC, 1, 0, 5_000, 15_000, 0, "m")).isDone());
    clock.advanceMs(5_000);
    dispatcher.expireWaiters();
    assertEquals(0, dispatcher.pendingWaiters());
    assertFalse(dispatcher.waitForGrants(new GrantRequest(ALICE, "dev", GCC, 1, 0, 5_000, 15_000, 0, "a")).isDone(),
        "expired waiters no longer count");
  }

  @Test
  void theViewShowsRunningTasksOnlyToMembersAndTheServingTokenOnlyToUsers() {
    dispatcher.heartbeat(servant("a").build());
    long id = grantIds(ALICE, "a1", 1).get(0);
    dispatcher.heartbeat(servant("a").tasks(task(id)).build());
    String serving = dispatcher.waitForGrants(ask(ALICE, "a1", 1)).join().servingToken();

    ClusterView stranger = dispatcher.view("");
    ClusterView wrong = dispatcher.view("nope");
    ClusterView servantView = dispatcher.view(SERVANT);
    ClusterView user = dispatcher.view(MALLORY);

    for (ClusterView v : List.of(stranger, wrong)) {
      assertEquals("", v.servingToken());
      assertEquals(List.of(), v.runningTasks());
      assertEquals(1, v.servants().size());
      assertFalse(v.toJson().encode().contains("task-digest"));
    }
    assertEquals("", servantView.servingToken());
    assertEquals(1, servantView.runningTasks().size());
    assertEquals(serving, user.servingToken());
    assertEquals(1, user.runningTasks().size());
  }

  @Test
  void anOverlongRequestorIdIsInvalid() {
    dispatcher.heartbeat(servant("a").build());

    SchedulerException e = failure(dispatcher.waitForGrants(ask(ALICE, "x".repeat(129), 1)));

    assertEquals(FailureCodes.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().contains("requestorId"), e.getMessage());
  }
}
