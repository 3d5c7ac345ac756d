package dev.vxcc.scheduler;

import static dev.vxcc.scheduler.Fixtures.request;
import static dev.vxcc.scheduler.Fixtures.servant;
import static dev.vxcc.scheduler.Outcomes.failure;
import static dev.vxcc.scheduler.Outcomes.grants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.KeepAliveRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenTest {
  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(Fixtures.config(), clock);

  @Test
  void heartbeatWithUnknownTokenIsDenied() {
    SchedulerException e = assertThrows(SchedulerException.class,
        () -> dispatcher.heartbeat(servant("a").token("nope").build()));

    assertEquals(FailureCodes.ACCESS_DENIED, e.code());
    assertEquals(0, dispatcher.view().servants().size());
  }

  @Test
  void grantWithWrongTokenIsDenied() {
    dispatcher.heartbeat(servant("a").build());
    // A servant token is not enough to ask for work.
    var req = new GrantRequest(Fixtures.SERVANT, "h", Fixtures.GCC, 1, 0, 0, 15_000, 0);

    SchedulerException e = failure(dispatcher.waitForGrants(req));

    assertEquals(FailureCodes.ACCESS_DENIED, e.code());
    assertTrue(e.getMessage().contains("invalid token"), e.getMessage());
  }

  @Test
  void keepAliveWithWrongTokenIsDenied() {
    SchedulerException e = assertThrows(SchedulerException.class,
        () -> dispatcher.keepAlive(new KeepAliveRequest("nope", List.of(1L), 10_000)));

    assertEquals(FailureCodes.ACCESS_DENIED, e.code());
  }

  @Test
  void freeWithWrongTokenIsDeniedAndFreesNothing() {
    dispatcher.heartbeat(servant("a").build());
    long id = grants(dispatcher.waitForGrants(request(1, 0, 0))).get(0).grantId();

    SchedulerException e = assertThrows(SchedulerException.class,
        () -> dispatcher.free(new FreeRequest("nope", List.of(id))));

    assertEquals(FailureCodes.ACCESS_DENIED, e.code());
    assertEquals(1, dispatcher.liveGrants());
  }

  @Test
  void servantWithOnlyAUserTokenIsRefusedAndLearnsNoServingToken() {
    SchedulerException e = assertThrows(SchedulerException.class,
        () -> dispatcher.heartbeat(servant("a").token(Fixtures.USER).build()));

    assertEquals(FailureCodes.ACCESS_DENIED, e.code());
    assertTrue(e.getMessage().contains("user token may not serve"), e.getMessage());
    assertEquals(0, dispatcher.view().servants().size());
  }

  @Test
  void aTokenListedInBothRolesMayServeAndAskForGrants() {
    var both = new TaskDispatcher(SchedulerConfig.fromJson(new JsonObject()
        .put("userTokens", List.of("shared"))
        .put("servantTokens", List.of("shared"))), clock);

    assertEquals(3, both.heartbeat(servant("a").token("shared").build()).acceptableTokens().size());
    assertEquals(1, grants(both.waitForGrants(new GrantRequest("shared", "h", Fixtures.GCC, 1, 0, 0, 15_000, 0))).size());
  }

  @Test
  void oldDaemonIsRefused() {
    var config = SchedulerConfig.fromJson(new JsonObject()
        .put("userTokens", List.of(Fixtures.USER))
        .put("servantTokens", List.of(Fixtures.SERVANT))
        .put("minDaemonVersion", 5));
    var strict = new TaskDispatcher(config, clock);

    SchedulerException e = assertThrows(SchedulerException.class,
        () -> strict.heartbeat(servant("a").version(4).build()));
    assertEquals(FailureCodes.VERSION_TOO_OLD, e.code());
  }

  @Test
  void heartbeatLeaseAboveThirtySecondsIsInvalid() {
    SchedulerException e = assertThrows(SchedulerException.class,
        () -> dispatcher.heartbeat(servant("a").leaseMs(30_001).build()));
    assertEquals(FailureCodes.INVALID_ARGUMENT, e.code());
  }

  @Test
  void daemonTokensRotateLazilyThroughThreeSlots() {
    List<String> before = dispatcher.heartbeat(servant("a").build()).acceptableTokens();
    String active = dispatcher.waitForGrants(request(1, 0, 0)).join().servingToken();

    assertEquals(3, before.size());
    assertEquals(before.get(1), active);
    assertTrue(before.stream().allMatch(t -> t.matches("[0-9a-f]{32}")), before.toString());

    clock.advanceMs(SchedulerConfig.DEFAULT_TOKEN_ROTATION_MS);
    List<String> after = dispatcher.heartbeat(servant("a").build()).acceptableTokens();

    assertEquals(before.subList(1, 3), after.subList(0, 2), "oldest dropped, others shift down");
    assertNotEquals(before.get(0), after.get(2));
    assertEquals(after.get(1), dispatcher.waitForGrants(request(1, 0, 0)).join().servingToken());
  }

  @Test
  void theViewCarriesTheServingTokenOnlyForAValidUserToken() {
    dispatcher.heartbeat(servant("a").build());
    String serving = dispatcher.waitForGrants(request(1, 0, 0)).join().servingToken();

    assertEquals(serving, dispatcher.view(Fixtures.USER).servingToken());
    assertEquals("", dispatcher.view("nope").servingToken());
    assertEquals("", dispatcher.view().servingToken());
  }
}
