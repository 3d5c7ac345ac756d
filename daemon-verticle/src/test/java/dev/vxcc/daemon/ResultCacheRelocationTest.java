package dev.vxcc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxcc.api.v1.CacheGrpcService;
import dev.vxcc.api.v1.CachePutResponse;
import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A servant's link to the cache (it only puts) must follow the cache node when it comes back on
 * another port: before, servants kept putting to the old address until they were restarted.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResultCacheRelocationTest {
  private volatile String cacheAt;
  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final InstantSource clock = () -> now;

  /** A cache endpoint that only takes puts, completing the future waiting for each key. */
  private static final class FakeCache {
    final Map<String, CompletableFuture<Void>> stored = new ConcurrentHashMap<>();
    HttpServer server;

    CompletableFuture<Void> storedKey(String key) {
      return stored.computeIfAbsent(key, k -> new CompletableFuture<>());
    }

    String location() {
      return "127.0.0.1:" + server.actualPort();
    }
  }

  private static FakeCache startCache(Vertx vertx) throws Exception {
    FakeCache c = new FakeCache();
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(CacheGrpcService.Put, req -> req.handler(msg -> {
      c.storedKey(msg.getKey()).complete(null);
      req.response().end(CachePutResponse.getDefaultInstance());
    }));
    c.server = await(vertx.createHttpServer(NodeTls.of(vertx, null).applyTo(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
        .requestHandler(grpc).listen());
    return c;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Runs on the cache's event loop, as the servant's timer and result handler do. */
  private static <T> T onLoop(Context ctx, Supplier<T> action) throws Exception {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> p.complete(action.get()));
    return await(p.future());
  }

  /** Ticks (as the servant's 1 s timer does) until the cache link names {@code location}. */
  private static void tickUntilAt(Vertx vertx, Context ctx, ResultCache cache, String location) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!location.equals(onLoop(ctx, () -> cache.stats().getString("location")))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("never moved to " + location + ": " + onLoop(ctx, cache::stats));
      }
      onLoop(ctx, () -> {
        cache.tick();
        return null;
      });
      await(vertx.timer(50));
    }
  }

  private void put(Context ctx, ResultCache cache, String key) throws Exception {
    onLoop(ctx, () -> {
      cache.put(key, new byte[] {1, 2, 3});
      return null;
    });
  }

  @Test
  void aServantFollowsTheCacheToItsNewPortAfterTheOldOneDied(Vertx vertx) throws Exception {
    FakeCache first = startCache(vertx);
    cacheAt = first.location();
    vertx.eventBus().<JsonObject>consumer(CacheAddresses.LOCATE, m -> m.reply(new JsonObject().put("location", cacheAt)));
    Context ctx = vertx.getOrCreateContext();
    ResultCache cache = new ResultCache(vertx, "t", false, clock);
    tickUntilAt(vertx, ctx, cache, first.location());
    put(ctx, cache, "k1");
    first.storedKey("k1").get(20, TimeUnit.SECONDS);

    // The cache node restarts on another port: the old one refuses connections.
    await(first.server.close());
    FakeCache second = startCache(vertx);
    cacheAt = second.location();
    put(ctx, cache, "lost-with-the-old-node");
    tickUntilAt(vertx, ctx, cache, second.location());
    put(ctx, cache, "k2");

    second.storedKey("k2").get(20, TimeUnit.SECONDS);
    assertEquals(second.location(), onLoop(ctx, () -> cache.stats().getString("location")));
  }

  @Test
  void aServantNoticesAMoveEvenWhenTheOldAddressStillAnswers(Vertx vertx) throws Exception {
    FakeCache first = startCache(vertx);
    cacheAt = first.location();
    vertx.eventBus().<JsonObject>consumer(CacheAddresses.LOCATE, m -> m.reply(new JsonObject().put("location", cacheAt)));
    Context ctx = vertx.getOrCreateContext();
    ResultCache cache = new ResultCache(vertx, "t", false, clock);
    tickUntilAt(vertx, ctx, cache, first.location());

    FakeCache second = startCache(vertx);
    cacheAt = second.location();
    now = now.plusMillis(ResultCache.LOCATE_EVERY_MS);
    tickUntilAt(vertx, ctx, cache, second.location());
    put(ctx, cache, "k");

    second.storedKey("k").get(20, TimeUnit.SECONDS);
    assertEquals(false, first.stored.containsKey("k"), "nothing goes to the old address once the cache moved");
  }
}
