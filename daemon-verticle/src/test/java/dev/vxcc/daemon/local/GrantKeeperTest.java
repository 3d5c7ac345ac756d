package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class GrantKeeperTest {
  private final List<GrantRequest> requests = new CopyOnWriteArrayList<>();
  private final List<Long> freed = new CopyOnWriteArrayList<>();
  private final List<String> freedBy = new CopyOnWriteArrayList<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final StepClock clock = new StepClock();
  /** The serving tokens the keeper passed on, newest last. */
  private final List<String> servingTokens = new CopyOnWriteArrayList<>();

  private GrantKeeper keeper(Vertx vertx, String compilerDigest, long localValidityMs) {
    return new GrantKeeper(vertx, new SchedulerLink(vertx, "t", "me"), clock, "host", compilerDigest, servingTokens::add, localValidityMs);
  }

  private GrantKeeper keeper(Vertx vertx, String compilerDigest) {
    return keeper(vertx, compilerDigest, dev.vxcc.daemon.DaemonConstants.GRANT_LOCAL_VALIDITY_MS);
  }

  /** A scheduler that grants whatever is asked, or fails every request with a code. */
  private void fakeScheduler(Vertx vertx, int failWith) {
    fakeScheduler(vertx, failWith, null);
  }

  private void fakeScheduler(Vertx vertx, int failWith, Runnable onFree) {
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_GRANT, m -> {
      GrantRequest r = GrantRequest.fromJson(m.body());
      requests.add(r);
      if (failWith != 0) {
        m.fail(failWith, "no servant has compiler " + r.compilerDigest());
        return;
      }
      List<Grant> grants = new ArrayList<>();
      for (int i = 0; i < r.immediate() + r.prefetch(); i++) {
        grants.add(new Grant(nextId.getAndIncrement(), "s", "127.0.0.1:1"));
      }
      m.reply(new GrantReply(grants, "serving-token").toJson());
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_FREE, m -> {
      FreeRequest f = FreeRequest.fromJson(m.body());
      freed.addAll(f.grantIds());
      freedBy.add(f.requestorId());
      m.reply(new JsonObject());
      if (onFree != null) {
        onFree.run();
      }
    });
  }

  @Test
  void waitingTasksAreServedByOneBatchedRequestPlusASpare(Vertx vertx, VertxTestContext ctx) {
    fakeScheduler(vertx, 0);
    vertx.runOnContext(v -> {
      GrantKeeper k = keeper(vertx, "digest");
      Future.all(k.get(5_000), k.get(5_000), k.get(5_000))
          .compose(all -> {
            ctx.verify(() -> {
              assertEquals(1, requests.size(), "one scheduler round trip for three tasks");
              assertEquals(3, requests.get(0).immediate());
              assertEquals(1, requests.get(0).prefetch());
              assertEquals("me", requests.get(0).requestorId(), "the scheduler records us as the holder");
              assertEquals("serving-token", servingTokens.get(servingTokens.size() - 1));
            });
            return k.get(5_000);
          })
          .onComplete(ctx.succeeding(spare -> ctx.verify(() -> {
            assertEquals(1, requests.size(), "the fourth task took the prefetched spare without asking");
            assertEquals(4L, spare.grantId());
            ctx.completeNow();
          })));
    });
  }

  @Test
  void aCompilerNoServantHasFailsAtOnceInsteadOfRetryingForever(Vertx vertx, VertxTestContext ctx) {
    fakeScheduler(vertx, FailureCodes.ENVIRONMENT_NOT_AVAILABLE);
    vertx.runOnContext(v -> keeper(vertx, "unknown-compiler").get(60_000)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertInstanceOf(GrantKeeper.NoServantForCompiler.class, err);
          assertEquals(1, requests.size());
          ctx.completeNow();
        }))));
  }

  @Test
  void anUnusedSpareIsGivenBackWhenItExpires(Vertx vertx, VertxTestContext ctx) {
    java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
    fakeScheduler(vertx, 0, () -> ctx.verify(() -> {
      assertTrue(expired.get(), "not freed while still valid");
      assertEquals(List.of(2L), freed, "the spare went back to the scheduler");
      assertEquals(List.of("me"), freedBy, "as its holder, or the scheduler would ignore the free");
      ctx.completeNow();
    }));
    vertx.runOnContext(v -> {
      GrantKeeper k = keeper(vertx, "digest", 50);
      // The spare is kept once the reply is handled, just after the first grant went out.
      k.get(5_000).onComplete(ctx.succeeding(g -> vertx.runOnContext(v2 -> {
        k.dropExpired();
        expired.set(true);
        clock.advanceMs(100);
        k.dropExpired();
      })));
    });
  }

  @Test
  void atTheTokensGrantLimitTheTaskWaitsWithoutHammeringTheScheduler(Vertx vertx, VertxTestContext ctx) {
    fakeScheduler(vertx, FailureCodes.GRANT_LIMIT);
    vertx.runOnContext(v -> keeper(vertx, "digest").get(300)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          // Not a hard refusal like a missing compiler: our grants may free up, so it waited its time.
          assertTrue(err.getMessage().contains("no free servant"), err.getMessage());
          assertEquals(1, requests.size(), "the retry waits " + dev.vxcc.daemon.DaemonConstants.GRANT_LIMIT_RETRY_MS + " ms");
          ctx.completeNow();
        }))));
  }

  @Test
  void aTaskThatWaitsTooLongGetsNoQuota(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().consumer(Addresses.SCHEDULER_GRANT, m -> { /* never answers: cluster full */ });
    vertx.runOnContext(v -> keeper(vertx, "digest").get(100)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertTrue(err.getMessage().contains("no free servant"), err.getMessage());
          ctx.completeNow();
        }))));
  }
}
