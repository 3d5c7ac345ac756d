package dev.vxcc.cache;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.CacheGrpcClient;
import dev.vxcc.api.v1.CachePutRequest;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.api.v1.CacheStatsResponse;
import dev.vxcc.api.v1.FetchBloomFilterResponse;
import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.cache.client.BloomFetcher;
import dev.vxcc.cache.client.BloomView;
import dev.vxcc.cache.client.CacheClient;
import dev.vxcc.common.NodeKeys;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheVerticleTest {
  private static final String USER = "user-token";
  private static final String SERVANT = "servant-token";

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private JsonObject config(String engine) {
    return new JsonObject().put("cache", new JsonObject()
        .put("engine", engine)
        .put("dir", dir.toString())
        .put("port", 0)
        .put("memoryBytes", 1 << 20)
        .put("bloomExpectedKeys", 10_000)
        .put("userTokens", List.of(USER))
        .put("servantTokens", List.of(SERVANT)));
  }

  /** Blocks the test thread (never a Vert.x thread) until the future completes. */
  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  private String deploy(Vertx vertx, String engine) throws Exception {
    await(vertx.deployVerticle(new CacheVerticle(clock), new DeploymentOptions().setConfig(config(engine))));
    return await(CacheClient.locate(vertx));
  }

  @Test
  void diskEngineEndToEnd(Vertx vertx) throws Exception {
    String location = deploy(vertx, "disk");
    assertTrue(location.startsWith("127.0.0.1:") && !location.endsWith(":0"), location);
    assertEquals(location, vertx.sharedData().getLocalMap(NodeKeys.MAP).get(CacheAddresses.NODE_KEY));
    CacheClient servant = CacheClient.create(vertx, location, SERVANT);
    CacheClient user = CacheClient.create(vertx, location, USER);
    String key = "cxx1-" + Keys.key("entry");
    byte[] value = "object file, stdout, stderr, exit code".getBytes();

    // The daemon's first fetch: a full filter, which does not hold the key yet.
    clock.advance(Duration.ofMinutes(2));
    BloomView view = new BloomView(clock);
    BloomFetcher fetcher = new BloomFetcher(vertx, user, view, clock);
    assertTrue(await(fetcher.fetchOnce()));
    assertTrue(view.fresh());
    assertFalse(view.mightContain(key));

    clock.advance(Duration.ofSeconds(1));
    await(servant.put(key, value));
    assertArrayEquals(value, await(user.get(key)).orElseThrow());
    assertTrue(Files.exists(dir.resolve(CacheKeys.bucket(key)).resolve(key)));

    // The next fetch is incremental and brings the new key.
    clock.advance(Duration.ofSeconds(2));
    assertFalse(await(fetcher.fetchOnce()));
    assertTrue(view.mightContain(key));

    // Only servants write; readers need a known token.
    Throwable refused = failure(user.put(Keys.key("poison"), new byte[] {1}));
    assertEquals(Optional.of(GrpcStatus.PERMISSION_DENIED), CacheClient.statusOf(refused), refused.toString());
    CacheClient stranger = CacheClient.create(vertx, location, "nope");
    assertEquals(Optional.of(GrpcStatus.PERMISSION_DENIED), CacheClient.statusOf(failure(stranger.lookup(key))));
    assertEquals(Optional.empty(), await(stranger.get(key))); // get() turns every failure into a miss
    assertEquals(Optional.of(GrpcStatus.PERMISSION_DENIED),
        CacheClient.statusOf(failure(stranger.fetchBloomFilter(BloomFetcher.NEVER, BloomFetcher.NEVER))));

    // The gate judges the metadata before reading the value: a message naming the servant token is
    // not enough when the call itself does not carry it.
    GrpcClient raw = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(64 << 20),
        NodeTls.of(vertx, null).applyTo(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)));
    CachePutRequest big = CachePutRequest.newBuilder().setToken(SERVANT).setKey(Keys.key("big"))
        .setValue(ByteString.copyFrom(new byte[8 << 20])).build();
    int port = Integer.parseInt(location.substring(location.lastIndexOf(':') + 1));
    Throwable gated = failure(CacheGrpcClient.create(raw, SocketAddress.inetSocketAddress(port, "127.0.0.1")).put(big));
    assertEquals(Optional.of(GrpcStatus.PERMISSION_DENIED), CacheClient.statusOf(gated), gated.toString());

    // Keys are checked.
    assertEquals(Optional.of(GrpcStatus.INVALID_ARGUMENT), CacheClient.statusOf(failure(user.lookup("../etc/passwd"))));
    assertEquals(Optional.of(GrpcStatus.INVALID_ARGUMENT),
        CacheClient.statusOf(failure(servant.put(Keys.key("x").toUpperCase(), new byte[] {1}))));
    assertEquals(Optional.of(GrpcStatus.INVALID_ARGUMENT), CacheClient.statusOf(failure(user.fetchBloomFilter(2, 30))));

    // A miss is an empty answer, not an error.
    assertEquals(Optional.empty(), await(user.lookup(Keys.key("absent"))));

    CacheStatsResponse stats = await(user.stats());
    assertEquals("disk", stats.getEngine());
    assertEquals(1, stats.getPuts());
    assertEquals(1, stats.getL1Hits());
    assertEquals(1, stats.getL2Misses());
    assertEquals(1, stats.getL2Entries());
    assertEquals(1, stats.getBloomRebuilds());

    JsonObject busStats = await(vertx.eventBus().<JsonObject>request(CacheAddresses.STATS, new JsonObject(),
        new DeliveryOptions().setSendTimeout(5000))).body();
    assertEquals(1L, busStats.getLong("puts"));
    assertEquals("disk", busStats.getString("engine"));
  }

  @Test
  void entriesSurviveARestartAndTheFirstFilterKnowsThem(Vertx vertx) throws Exception {
    String location = deploy(vertx, "disk");
    String key = Keys.key("persisted");
    CacheClient servant = CacheClient.create(vertx, location, SERVANT);
    await(servant.put(key, new byte[] {4, 2}));
    await(servant.close());
    for (String id : List.copyOf(vertx.deploymentIDs())) {
      await(vertx.undeploy(id));
    }
    assertFalse(vertx.sharedData().getLocalMap(NodeKeys.MAP).containsKey(CacheAddresses.NODE_KEY));

    String again = deploy(vertx, "disk");
    CacheClient user = CacheClient.create(vertx, again, USER);
    FetchBloomFilterResponse full = await(user.fetchBloomFilter(BloomFetcher.NEVER, BloomFetcher.NEVER));
    assertFalse(full.getIncremental());
    BloomView view = new BloomView(clock);
    view.applyFull(full.getFilterZstd().toByteArray(), clock.instant());
    assertTrue(view.mightContain(key));
    assertArrayEquals(new byte[] {4, 2}, await(user.get(key)).orElseThrow());
    assertEquals(1, await(user.stats()).getL2Hits());
  }

  @Test
  void nullEngineServesFromMemoryOnly(Vertx vertx) throws Exception {
    String location = deploy(vertx, "null");
    CacheClient servant = CacheClient.create(vertx, location, SERVANT);
    String key = Keys.key("mem");
    await(servant.put(key, new byte[] {7}));
    assertArrayEquals(new byte[] {7}, await(servant.get(key)).orElseThrow()); // a servant token may read
    assertEquals(Optional.empty(), await(servant.get(Keys.key("other"))));
    CacheStatsResponse stats = await(servant.stats());
    assertEquals("null", stats.getEngine());
    assertEquals(0, stats.getL2Entries());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void unknownEngineFailsDeploymentClearly(Vertx vertx) throws Exception {
    Throwable t = failure(vertx.deployVerticle(new CacheVerticle(clock), new DeploymentOptions().setConfig(config("redis"))));
    assertTrue(t.getMessage().contains("cache.engine must be one of disk, null, hazelcast; got 'redis'"), t.getMessage());
  }

  @Test
  void hazelcastEngineNeedsACluster(Vertx vertx) throws Exception {
    Throwable t = failure(vertx.deployVerticle(new CacheVerticle(clock), new DeploymentOptions().setConfig(config("hazelcast"))));
    assertTrue(t.getMessage().contains("engine hazelcast needs -cluster"), t.getMessage());
  }

  @Test
  void aPortInUseNamesTheCacheRoleTheAddressAndTheSetting(Vertx vertx) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      JsonObject config = config("null");
      config.getJsonObject("cache").put("host", "127.0.0.1").put("port", taken.getLocalPort());
      Throwable t = failure(vertx.deployVerticle(new CacheVerticle(clock), new DeploymentOptions().setConfig(config)));
      assertEquals("cache gRPC endpoint cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use"
          + " (another vxcc-node running? stop it, or set cache.port to another value)", t.getMessage());
    }
  }
}
