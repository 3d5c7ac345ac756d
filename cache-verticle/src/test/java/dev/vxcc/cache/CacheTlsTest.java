package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxcc.cache.client.CacheClient;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The cache's gRPC port takes only clients holding a certificate from the node's CA. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheTlsTest {
  private static final String TOKEN = "servant-token";

  @TempDir
  Path dir;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void onlyPeersWithACertificateFromTheClusterCaAreServed(Vertx vertx) throws Exception {
    NodeTls cluster = NodeTls.ephemeral(List.of());
    JsonObject config = new JsonObject()
        .put("cache", new JsonObject().put("engine", "disk").put("dir", dir.toString()).put("port", 0)
            .put("userTokens", List.of(TOKEN)).put("servantTokens", List.of(TOKEN)))
        .put("tls", cluster.toJson());
    await(vertx.deployVerticle(new CacheVerticle(), new DeploymentOptions().setConfig(config)));
    String location = await(CacheClient.locate(vertx));
    String key = Keys.key("tls");

    CacheClient member = CacheClient.create(vertx, location, TOKEN, 1 << 20, cluster);
    await(member.put(key, new byte[] {7}));
    assertArrayEquals(new byte[] {7}, await(member.lookup(key)).orElseThrow());

    // A valid token is not enough: without a certificate, or with one from another CA, no call gets through.
    for (NodeTls stranger : List.of(NodeTls.insecure(), NodeTls.ephemeral(List.of()))) {
      CacheClient c = CacheClient.create(vertx, location, TOKEN, 1 << 20, stranger);
      assertThrows(ExecutionException.class, () -> await(c.lookup(key)), stranger.toString());
      assertThrows(ExecutionException.class, () -> await(c.put(Keys.key("planted"), new byte[] {6})), stranger.toString());
      c.close();
    }
    await(member.close());
  }
}
