package dev.vxcc.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.vxcc.common.NodeSecrets;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.net.ClusterCa;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With -ha, Vert.x keeps deployment configs in Hazelcast: no secret may be in them. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeSecretsTest {
  private static final String USER = "user-token-9f3a";
  private static final String SERVANT = "servant-token-71c2";

  private static JsonObject fullConfig(JsonObject tls) {
    return new JsonObject()
        .put("tls", tls)
        .put("scheduler", new JsonObject().put("userTokens", List.of(USER)).put("servantTokens", List.of(SERVANT)).put("maxWaitMs", 500))
        .put("cache", new JsonObject().put("userTokens", List.of(USER)).put("hazelcastSecret", "seal-5e1d").put("port", 0))
        .put("daemon", new JsonObject().put("token", USER).put("retries", 1));
  }

  @Test
  void theDeployedConfigCarriesNoSecretAndTheNodeFillsThemBackIn() {
    JsonObject full = fullConfig(new JsonObject().put("insecure", true));

    JsonObject deployed = NodeSecrets.withoutSecrets(full);

    String text = deployed.encode();
    for (String secret : List.of(USER, SERVANT, "seal-5e1d", "insecure")) {
      assertFalse(text.contains(secret), secret + " in " + text);
    }
    assertEquals(500, deployed.getJsonObject("scheduler").getInteger("maxWaitMs"));
    Vertx vertx = Vertx.vertx();
    try {
      assertEquals(deployed, NodeSecrets.complete(vertx, deployed), "nothing shared: the deployment stands as it is");
      NodeSecrets.share(vertx, full);
      assertEquals(full, NodeSecrets.complete(vertx, deployed));
      JsonObject own = deployed.copy().put("daemon", new JsonObject().put("token", "explicit"));
      assertEquals("explicit", NodeSecrets.complete(vertx, own).getJsonObject("daemon").getString("token"));
    } finally {
      vertx.close();
    }
  }

  @Test
  void anHaDeploymentLeavesNoTokenInHazelcastAndStillServes() throws Exception {
    ClusterCa ca = ClusterCa.create("ha test CA", Duration.ofDays(1));
    ClusterCa.NodeCert cert = ca.issue("node", List.of("127.0.0.1"), Duration.ofDays(1));
    JsonObject tlsBlock = new JsonObject().put("ca", ca.certPem()).put("cert", cert.certPem()).put("key", cert.keyPem());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String name = "vxcc-ha-secrets-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    NodeTls tls = NodeTls.fromConfig(tlsBlock);
    Vertx vertx = await(Clustering.start(new VertxOptions().setHAEnabled(true), Path.of("../../conf/cluster.xml"),
        "127.0.0.1", port, List.of("127.0.0.1:" + port), name, tls));
    try {
      tls.share(vertx);
      JsonObject full = fullConfig(tlsBlock);
      NodeSecrets.share(vertx, full);
      await(vertx.deployVerticle(Roles.SCHEDULER, new DeploymentOptions().setConfig(NodeSecrets.withoutSecrets(full)).setHa(true)));

      JsonObject view = await(vertx.eventBus().<JsonObject>request(Addresses.SCHEDULER_VIEW, new JsonObject().put("token", USER),
          new DeliveryOptions().setSendTimeout(5_000))).body();
      assertNotNull(view.getString("servingToken"), "the scheduler knows its user token from the node");

      HazelcastInstance hz = ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
      String haInfo = String.valueOf(hz.getMap("__vertx.haInfo").entrySet());
      assertTrue(haInfo.contains(Roles.SCHEDULER), "the HA deployment is recorded: " + haInfo);
      for (String secret : List.of(USER, SERVANT, "seal-5e1d", "PRIVATE KEY")) {
        assertFalse(haInfo.contains(secret), secret + " stored in Hazelcast");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
