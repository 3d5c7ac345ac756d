package dev.vxcc.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeTlsTest {
  @TempDir
  Path dir;

  @Test
  void theOpenSslEngineIsOnTheClasspathAndUsed() {
    assertTrue(OpenSSLEngineOptions.isAvailable(), "netty-tcnative BoringSSL did not load");
    HttpServerOptions server = NodeTls.ephemeral(List.of()).applyTo(new HttpServerOptions());
    assertTrue(server.isSsl());
    assertEquals(ClientAuth.REQUIRED, server.getClientAuth());
    assertTrue(server.getSslEngineOptions() instanceof OpenSSLEngineOptions);
  }

  @Test
  void aBlockMissingAFileIsRefusedNamingTheFix() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> NodeTls.fromConfig(new JsonObject().put("ca", "/x/ca.pem").put("cert", "/x/n.pem")));
    assertTrue(e.getMessage().contains("tls.key") && e.getMessage().contains("vxcc-node certs"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NodeTls.fromConfig(new JsonObject().put("insecure", "yes")));
    assertThrows(IllegalArgumentException.class, () -> NodeTls.blockOf(new JsonObject().put("tls", "on")));
  }

  @Test
  void plaintextOnlyWhenAskedFor() {
    assertFalse(NodeTls.fromConfig(new JsonObject().put("insecure", true)).secure());
    assertFalse(NodeTls.fromConfig(new JsonObject().put("insecure", true)).applyTo(new HttpServerOptions()).isSsl());
    assertTrue(NodeTls.fromConfig(new JsonObject().put("insecure", false).put("ca", "a").put("cert", "b").put("key", "c")).secure());
  }

  @Test
  void unreadableFilesAreNamedAtStart() {
    NodeTls tls = NodeTls.fromConfig(new JsonObject().put("ca", dir.resolve("ca.pem").toString())
        .put("cert", dir.resolve("n.pem").toString()).put("key", dir.resolve("n-key.pem").toString()));
    var e = assertThrows(IllegalArgumentException.class, tls::check);
    assertTrue(e.getMessage().contains("ca.pem"), e.getMessage());
  }

  @Test
  void aNodeThatIsNotClusteredSharesOneEphemeralCaAcrossItsVerticles() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject first = NodeTls.of(vertx, new JsonObject()).toJson();
      assertTrue(first.getString("ca").startsWith("-----BEGIN CERTIFICATE"));
      assertEquals(first, NodeTls.of(vertx, null).toJson());
      Vertx other = Vertx.vertx();
      try {
        assertFalse(first.equals(NodeTls.of(other, null).toJson()), "each node its own CA");
      } finally {
        other.close().await();
      }
    } finally {
      vertx.close().await();
    }
  }
}
