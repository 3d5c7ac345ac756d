package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.HeartbeatReply;
import dev.vxcc.common.bus.KeepAliveReply;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.ServantHeartbeat;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class SchedulerVerticleTest {
  // Explicit so a lost reply fails the test quickly instead of after the bus default of 30 s.
  private static final DeliveryOptions SEND = new DeliveryOptions().setSendTimeout(5_000);

  private static JsonObject config() {
    return new JsonObject().put("scheduler", new JsonObject()
        .put("userTokens", List.of(Fixtures.USER))
        .put("servantTokens", List.of(Fixtures.SERVANT))
        .put("maxGrantsPerToken", 4));
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new SchedulerVerticle(), new DeploymentOptions().setConfig(config()))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<JsonObject> request(EventBus bus, String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, SEND).map(m -> m.body());
  }

  @Test
  void unreachableReportOnTheBusSendsTheNextGrantElsewhere(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    GrantRequest want = new GrantRequest(Fixtures.USER, "dev1", Fixtures.GCC, 1, 0, 1_000, 15_000, 0);

    request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("a").build().toJson())
        .compose(r -> request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("b").build().toJson()))
        .compose(r -> request(bus, Addresses.SCHEDULER_SERVANT_UNREACHABLE, Fixtures.unreachable("a").toJson()))
        .compose(r -> request(bus, Addresses.SCHEDULER_GRANT, want.toJson()))
        .map(GrantReply::fromJson)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("b:8335", reply.grants().get(0).location());
          ctx.completeNow();
        })));
  }

  @Test
  void aSecondSchedulerOnTheSameNodeStaysIdle(Vertx vertx, VertxTestContext ctx) {
    // What Vert.x HA does when it redeploys a dead node's scheduler on a node that runs one already.
    EventBus bus = vertx.eventBus();
    vertx.deployVerticle(new SchedulerVerticle(), new DeploymentOptions().setConfig(config()))
        .compose(id -> request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("s1").build().toJson()))
        .compose(r -> Future.all(List.of(
            request(bus, Addresses.SCHEDULER_VIEW, new JsonObject()),
            request(bus, Addresses.SCHEDULER_VIEW, new JsonObject()),
            request(bus, Addresses.SCHEDULER_VIEW, new JsonObject()),
            request(bus, Addresses.SCHEDULER_VIEW, new JsonObject()))))
        .onComplete(ctx.succeeding(views -> ctx.verify(() -> {
          for (int i = 0; i < views.size(); i++) {
            assertEquals(1, ClusterView.fromJson(views.<JsonObject>resultAt(i)).servants().size(),
                "every request must reach the one scheduler that heard the heartbeat");
          }
          ctx.completeNow();
        })));
  }

  @Test
  void heartbeatGrantKeepAliveFreeRoundTrip(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    ServantHeartbeat hb = Fixtures.servant("s1").maxTasks(2).build();
    GrantRequest want = new GrantRequest(Fixtures.USER, "dev1", Fixtures.GCC, 1, 1, 1_000, 15_000, 0);

    request(bus, Addresses.SCHEDULER_HEARTBEAT, hb.toJson())
        .map(HeartbeatReply::fromJson)
        .compose(reply -> {
          ctx.verify(() -> assertEquals(3, reply.acceptableTokens().size()));
          return request(bus, Addresses.SCHEDULER_GRANT, want.toJson());
        })
        .map(GrantReply::fromJson)
        .compose(reply -> {
          List<Long> ids = reply.grants().stream().map(Grant::grantId).toList();
          ctx.verify(() -> {
            // Consecutive, positive, and above any id an earlier scheduler instance can have issued.
            assertEquals(List.of(ids.get(0), ids.get(0) + 1), ids);
            assertTrue(ids.get(0) >= GrantLeases.firstIdAt(Instant.now().minusSeconds(60)), "ids " + ids);
            assertEquals("s1:8335", reply.grants().get(0).location());
            assertEquals(32, reply.servingToken().length());
          });
          return request(bus, Addresses.SCHEDULER_KEEP_ALIVE,
                  new KeepAliveRequest(Fixtures.USER, ids, 10_000).toJson())
              .map(KeepAliveReply::fromJson)
              .compose(alive -> {
                ctx.verify(() -> assertEquals(List.of(true, true), alive.alive()));
                return request(bus, Addresses.SCHEDULER_FREE, new FreeRequest(Fixtures.USER, ids).toJson());
              });
        })
        .compose(freed -> request(bus, Addresses.SCHEDULER_VIEW, null))
        .onComplete(ctx.succeeding(view -> ctx.verify(() -> {
          JsonObject servant = view.getJsonArray("servants").getJsonObject(0);
          assertEquals(0, servant.getInteger("running"));
          assertEquals(2, servant.getLong("everAssigned"));
          ctx.completeNow();
        })));
  }

  @Test
  void wrongTokenFailsWith403OnEveryEndpoint(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    var checkpoint = ctx.checkpoint(4);
    List.of(
            request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("s1").token("nope").build().toJson()),
            request(bus, Addresses.SCHEDULER_GRANT,
                new GrantRequest("nope", "dev1", Fixtures.GCC, 1, 0, 0, 15_000, 0).toJson()),
            request(bus, Addresses.SCHEDULER_KEEP_ALIVE, new KeepAliveRequest("nope", List.of(1L), 10_000).toJson()),
            request(bus, Addresses.SCHEDULER_FREE, new FreeRequest("nope", List.of(1L)).toJson()))
        .forEach(reply -> reply.onComplete(ctx.failing(err -> ctx.verify(() -> {
          ReplyException re = assertInstanceOf(ReplyException.class, err);
          assertEquals(FailureCodes.ACCESS_DENIED, re.failureCode());
          assertTrue(re.getMessage().contains("invalid token"), re.getMessage());
          checkpoint.flag();
        }))));
  }

  @Test
  void anotherHolderOfTheSameTokenCannotRenewOrFreeAGrant(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    GrantRequest alice = new GrantRequest(Fixtures.USER, "dev1", Fixtures.GCC, 1, 0, 1_000, 15_000, 0, "alice");

    request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("s1").build().toJson())
        .compose(r -> request(bus, Addresses.SCHEDULER_GRANT, alice.toJson()))
        .map(j -> GrantReply.fromJson(j).grants().get(0).grantId())
        .compose(id -> request(bus, Addresses.SCHEDULER_KEEP_ALIVE,
                new KeepAliveRequest(Fixtures.USER, List.of(id), 10_000, "mallory").toJson())
            .compose(stolen -> {
              ctx.verify(() -> assertEquals(List.of(false), KeepAliveReply.fromJson(stolen).alive()));
              return request(bus, Addresses.SCHEDULER_FREE, new FreeRequest(Fixtures.USER, List.of(id), "mallory").toJson());
            })
            .compose(freed -> request(bus, Addresses.SCHEDULER_VIEW, new JsonObject().put("token", Fixtures.USER)))
            .compose(view -> {
              ctx.verify(() -> assertEquals(1, view.getJsonArray("servants").getJsonObject(0).getInteger("running")));
              return request(bus, Addresses.SCHEDULER_KEEP_ALIVE,
                  new KeepAliveRequest(Fixtures.USER, List.of(id), 10_000, "alice").toJson());
            }))
        .onComplete(ctx.succeeding(own -> ctx.verify(() -> {
          assertEquals(List.of(true), KeepAliveReply.fromJson(own).alive());
          ctx.completeNow();
        })));
  }

  @Test
  void userTokenCannotHeartbeatAndServantTokenCannotAskForGrants(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    var checkpoint = ctx.checkpoint(2);
    List.of(
            request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("s1").token(Fixtures.USER).build().toJson()),
            request(bus, Addresses.SCHEDULER_GRANT,
                new GrantRequest(Fixtures.SERVANT, "dev1", Fixtures.GCC, 1, 0, 0, 15_000, 0).toJson()))
        .forEach(reply -> reply.onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(FailureCodes.ACCESS_DENIED, assertInstanceOf(ReplyException.class, err).failureCode());
          checkpoint.flag();
        }))));
  }

  @Test
  void viewWithoutAValidTokenHasNoServingTokenAndNoRunningTasks(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    GrantRequest want = new GrantRequest(Fixtures.USER, "dev1", Fixtures.GCC, 1, 0, 1_000, 15_000, 0, "alice");

    request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("s1").build().toJson())
        .compose(r -> request(bus, Addresses.SCHEDULER_GRANT, want.toJson()))
        .map(j -> GrantReply.fromJson(j).grants().get(0).grantId())
        .compose(id -> request(bus, Addresses.SCHEDULER_HEARTBEAT,
            Fixtures.servant("s1").tasks(Fixtures.task(id)).build().toJson()))
        .compose(r -> Future.all(
            request(bus, Addresses.SCHEDULER_VIEW, null),
            request(bus, Addresses.SCHEDULER_VIEW, new JsonObject().put("token", "nope")),
            request(bus, Addresses.SCHEDULER_VIEW, new JsonObject().put("token", Fixtures.USER))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            ClusterView hidden = ClusterView.fromJson(all.resultAt(i));
            assertEquals("", hidden.servingToken());
            assertEquals(List.of(), hidden.runningTasks());
            assertEquals(1, hidden.servants().size());
          }
          ClusterView full = ClusterView.fromJson(all.resultAt(2));
          assertEquals(32, full.servingToken().length());
          assertEquals(1, full.runningTasks().size());
          ctx.completeNow();
        })));
  }

  @Test
  void grantsPastTheTokenLimitFailWith429(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    GrantRequest four = new GrantRequest(Fixtures.USER, "dev1", Fixtures.GCC, 4, 0, 1_000, 15_000, 0, "a");
    GrantRequest one = new GrantRequest(Fixtures.USER, "dev1", Fixtures.GCC, 1, 0, 1_000, 15_000, 0, "b");

    request(bus, Addresses.SCHEDULER_HEARTBEAT, Fixtures.servant("s1").maxTasks(8).build().toJson())
        .compose(r -> request(bus, Addresses.SCHEDULER_GRANT, four.toJson()))
        .compose(r -> {
          ctx.verify(() -> assertEquals(4, GrantReply.fromJson(r).grants().size()));
          return request(bus, Addresses.SCHEDULER_GRANT, one.toJson());
        })
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          ReplyException re = assertInstanceOf(ReplyException.class, err);
          assertEquals(FailureCodes.GRANT_LIMIT, re.failureCode());
          assertTrue(re.getMessage().contains("maxGrantsPerToken"), re.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void waitingGrantFailsWithNoQuotaAtItsDeadline(Vertx vertx, VertxTestContext ctx) {
    EventBus bus = vertx.eventBus();
    ServantHeartbeat busy = Fixtures.servant("s1").cpus(2).maxTasks(2).load(2).build();
    GrantRequest want = new GrantRequest(Fixtures.USER, "dev1", Fixtures.GCC, 1, 0, 200, 15_000, 0);

    request(bus, Addresses.SCHEDULER_HEARTBEAT, busy.toJson())
        .compose(r -> request(bus, Addresses.SCHEDULER_GRANT, want.toJson()))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(FailureCodes.NO_QUOTA, assertInstanceOf(ReplyException.class, err).failureCode());
          ctx.completeNow();
        })));
  }

  @Test
  void invalidConfigFailsDeployment(Vertx vertx, VertxTestContext ctx) {
    JsonObject bad = new JsonObject().put("scheduler", new JsonObject().put("userTokens", List.of("u")));

    vertx.deployVerticle(new SchedulerVerticle(), new DeploymentOptions().setConfig(bad))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertInstanceOf(IllegalArgumentException.class, err);
          assertTrue(err.getMessage().contains("servantTokens"), err.getMessage());
          ctx.completeNow();
        })));
  }
}
