package dev.vxcc.cache.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.map.IMap;
import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.cache.CacheVerticle;
import dev.vxcc.cache.EntryCodec;
import dev.vxcc.cache.Keys;
import dev.vxcc.cache.client.CacheClient;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One clustered node on loopback, under a cluster name of its own so parallel runs never merge. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HazelcastEngineTest {
  private Vertx vertx;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void entriesLiveInTheSharedMapAndCorruptOnesAreDropped() throws Exception {
    int port = freePort();
    Config hz = new Config().setClusterName("vxcc-cache-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.logging.type", "none");
    NetworkConfig net = hz.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    net.getJoin().getMulticastConfig().setEnabled(false);
    net.getJoin().getAutoDetectionConfig().setEnabled(false);
    net.getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
    HazelcastClusterManager manager = new HazelcastClusterManager(hz);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1").setPort(0);
    vertx = await(Vertx.builder().with(options).withClusterManager(manager).buildClustered());

    JsonObject config = new JsonObject().put("cache", new JsonObject()
        .put("engine", "hazelcast").put("port", 0)
        .put("userTokens", List.of("u")).put("servantTokens", List.of("s")))
        .put("tls", NodeTls.ephemeral(List.of()).toJson());
    await(vertx.deployVerticle(new CacheVerticle(), new DeploymentOptions().setConfig(config)));
    CacheClient client = CacheClient.create(vertx, await(CacheClient.locate(vertx)), "s");

    String key = Keys.key("shared");
    await(client.put(key, new byte[] {1, 2, 3}));
    IMap<String, byte[]> map = manager.getHazelcastInstance().getMap(CacheAddresses.HAZELCAST_MAP);
    assertTrue(map.containsKey(key));

    HazelcastEngine engine = new HazelcastEngine(manager.getHazelcastInstance(), 64L << 20, EntrySeal.fromCacheConfig(config.getJsonObject("cache")));
    assertArrayEquals(new byte[] {1, 2, 3}, engine.get(key).orElseThrow());
    assertTrue(engine.keys().contains(key));

    String bad = Keys.key("bad");
    map.set(bad, new byte[] {9, 9, 9});
    assertEquals(Optional.empty(), engine.get(bad));
    assertEquals(1, engine.stats().corrupt());
    assertFalse(map.containsKey(bad));

    // What any Hazelcast member can do without the cache's secret: plant well-formed entries,
    // unsealed or sealed with another secret. Neither is served.
    String planted = Keys.key("planted");
    map.set(planted, EntryCodec.encode(new byte[] {6, 6, 6}));
    assertEquals(Optional.empty(), await(client.get(planted)));
    String forged = Keys.key("forged");
    map.set(forged, new EntrySeal("guessed".getBytes()).seal(forged, EntryCodec.encode(new byte[] {6, 6, 6})));
    assertEquals(Optional.empty(), await(client.get(forged)));
    // Nor is a genuine entry copied under another key.
    String copied = Keys.key("copied");
    map.set(copied, map.get(key));
    assertEquals(Optional.empty(), await(client.get(copied)));
    assertArrayEquals(new byte[] {1, 2, 3}, await(client.get(key)).orElseThrow());

    assertEquals("hazelcast", await(client.stats()).getEngine());
    await(client.close());
  }
}
