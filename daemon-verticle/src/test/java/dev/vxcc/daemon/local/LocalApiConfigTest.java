package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalApiConfigTest {
  private static LocalApiConfig of(JsonObject daemon) {
    return LocalApiConfig.fromNodeConfig(new JsonObject().put("daemon", daemon));
  }

  @Test
  void defaultsAreOneSocketPerMachineAndStatedBounds() {
    LocalApiConfig c = of(new JsonObject());
    assertEquals(Path.of("/run/vxcc/daemon.sock"), c.socket());
    assertEquals(64L << 20, c.maxRequestBytes());
    assertEquals(1L << 30, c.digestMaxBytes());
  }

  @Test
  void unusableSocketPathsAndBoundsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> of(new JsonObject().put("localSocket", "relative.sock")));
    assertThrows(IllegalArgumentException.class, () -> of(new JsonObject().put("localSocket", "/" + "x".repeat(120))));
    assertThrows(IllegalArgumentException.class, () -> of(new JsonObject().put("localMaxRequestBytes", 10)));
    assertThrows(IllegalArgumentException.class, () -> of(new JsonObject().put("fileDigestThreads", 0)));
  }
}
