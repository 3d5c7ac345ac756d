package dev.vxcc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DaemonConfigTest {
  @Test
  void theShippedConfigurationParses() throws Exception {
    JsonObject node = new JsonObject(Files.readString(Path.of("../conf/vxcc.json")));
    DaemonConfig c = DaemonConfig.fromNodeConfig(node);
    assertEquals(8334, c.localPort());
    assertEquals("127.0.0.1", c.localHost());
    assertTrue(c.maxLocalTasks() >= 1);
  }

  @Test
  void theLocalApiMustStayOnLoopback() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> DaemonConfig.fromJson(new JsonObject().put("token", "t").put("localHost", "0.0.0.0")));
    assertTrue(e.getMessage().contains("loopback"), e.getMessage());
  }

  @Test
  void aTokenIsRequired() {
    assertThrows(IllegalArgumentException.class, () -> DaemonConfig.fromJson(new JsonObject()));
  }

  @Test
  void badPortsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> DaemonConfig.fromJson(new JsonObject().put("token", "t").put("localPort", 70000)));
  }

  @Test
  void explicitServantCapacityWins() {
    assertEquals(0, DaemonConfig.fromJson(new JsonObject().put("token", "t").put("maxRemoteTasks", 0)).effectiveMaxRemoteTasks());
    assertEquals(7, DaemonConfig.fromJson(new JsonObject().put("token", "t").put("maxRemoteTasks", 7)).effectiveMaxRemoteTasks());
  }
}
