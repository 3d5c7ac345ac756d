package dev.vxcc.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir
  Path dir;

  @Test
  void partialConfMergesOverTheInstallationDefaults() throws Exception {
    Path defaults = Files.writeString(dir.resolve("vxcc.json"),
        "{\"daemon\":{\"servingPort\":8335,\"retries\":2,\"extraCompilerDirs\":[\"/a\"]},\"cache\":{\"port\":8337}}");

    JsonObject c = NodeConfig.load(defaults, "{\"daemon\":{\"retries\":5,\"extraCompilerDirs\":[]}}");

    assertEquals(8335, c.getJsonObject("daemon").getInteger("servingPort"));
    assertEquals(5, c.getJsonObject("daemon").getInteger("retries"));
    assertEquals(new JsonArray(), c.getJsonObject("daemon").getJsonArray("extraCompilerDirs"), "arrays replace, never append");
    assertEquals(8337, c.getJsonObject("cache").getInteger("port"));
  }

  @Test
  void missingOrBrokenConfSaysWhichFileAndWhy() throws Exception {
    Path defaults = dir.resolve("absent.json");
    var missing = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(defaults, dir.resolve("nope.json").toString()));
    assertEquals("configuration file " + dir.resolve("nope.json") + " does not exist", missing.getMessage());

    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"daemon\":");
    var bad = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(defaults, broken.toString()));
    assertTrue(bad.getMessage().startsWith("-conf " + broken + " is not valid JSON"), bad.getMessage());
  }

  @Test
  void aNodeAloneDrawsItsOwnTokensButKeepsGivenOnes() {
    JsonObject given = new JsonObject().put("daemon", new JsonObject().put("token", "mine"))
        .put("scheduler", new JsonObject().put("userTokens", new JsonArray()));

    JsonObject c = NodeConfig.withProcessTokens(given, () -> "r");

    assertEquals("mine", c.getJsonObject("daemon").getString("token"));
    assertEquals(new JsonArray().add("r"), c.getJsonObject("scheduler").getJsonArray("userTokens"));
    assertEquals(new JsonArray().add("r"), c.getJsonObject("scheduler").getJsonArray("servantTokens"));
    assertEquals(new JsonArray().add("r"), c.getJsonObject("cache").getJsonArray("servantTokens"));
  }

  @Test
  void clusteredEndpointsFollowTheClusterHostUnlessNamed() {
    JsonObject merged = new JsonObject().put("daemon", new JsonObject().put("servingHost", "127.0.0.1"))
        .put("cache", new JsonObject().put("host", "127.0.0.1"));

    JsonObject c = NodeConfig.servingOnClusterHost(merged, new JsonObject(), "10.0.0.7");
    JsonObject user = new JsonObject().put("daemon", new JsonObject().put("servingHost", "0.0.0.0"));
    JsonObject named = NodeConfig.servingOnClusterHost(NodeConfig.merge(merged, user), user, "10.0.0.7");

    assertEquals("10.0.0.7", c.getJsonObject("daemon").getString("servingHost"));
    assertEquals("10.0.0.7", c.getJsonObject("cache").getString("host"));
    assertEquals("0.0.0.0", named.getJsonObject("daemon").getString("servingHost"));
  }
}
