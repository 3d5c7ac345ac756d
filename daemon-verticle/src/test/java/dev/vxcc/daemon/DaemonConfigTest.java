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
    // No token ships (a node alone draws one, a cluster's is the operator's): supply one.
    node.getJsonObject("daemon").put("token", "t");
    DaemonConfig c = DaemonConfig.fromNodeConfig(node);
    assertEquals(8335, c.servingPort());
    assertTrue(c.maxLocalTasks() >= 1);
    assertTrue(c.sourceTree(), "source mode ships on");
    assertTrue(c.sourceTreeFirst(), "every compile a source tree where servants allow");
  }

  @Test
  void sourceModeIsOnUnlessTurnedOff() {
    assertTrue(DaemonConfig.fromJson(new JsonObject().put("token", "t")).sourceTree());
    assertEquals(false, DaemonConfig.fromJson(new JsonObject().put("token", "t").put("sourceTree", false)).sourceTree());
    assertTrue(DaemonConfig.fromJson(new JsonObject().put("token", "t")).sourceTreeFirst());
    assertEquals(false, DaemonConfig.fromJson(new JsonObject().put("token", "t").put("sourceTreeFirst", false)).sourceTreeFirst());
  }

  @Test
  void theOldTcpKeysOfTheWrapperApiAreRefusedWithWhereItWent() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> DaemonConfig.fromJson(new JsonObject().put("token", "t").put("localPort", 8334)));
    assertTrue(e.getMessage().contains("daemon.localSocket"), e.getMessage());
  }

  @Test
  void aTokenIsRequired() {
    assertThrows(IllegalArgumentException.class, () -> DaemonConfig.fromJson(new JsonObject()));
  }

  @Test
  void badPortsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> DaemonConfig.fromJson(new JsonObject().put("token", "t").put("servingPort", 70000)));
  }

  @Test
  void explicitServantCapacityWins() {
    assertEquals(0, DaemonConfig.fromJson(new JsonObject().put("token", "t").put("maxRemoteTasks", 0)).effectiveMaxRemoteTasks());
    assertEquals(7, DaemonConfig.fromJson(new JsonObject().put("token", "t").put("maxRemoteTasks", 7)).effectiveMaxRemoteTasks());
  }
}
