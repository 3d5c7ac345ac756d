package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulerConfigTest {
  private static JsonObject tokens() {
    return new JsonObject().put("userTokens", List.of("u")).put("servantTokens", List.of("s"));
  }

  @Test
  void missingValuesTakeTheirDefaults() {
    SchedulerConfig c = SchedulerConfig.fromJson(tokens());

    assertEquals(Set.of("u"), c.userTokens());
    assertEquals(Set.of("s"), c.servantTokens());
    assertEquals(0, c.minDaemonVersion());
    assertEquals(10_000, c.maxWaitMs());
    assertEquals(1L << 30, c.servantMinMemoryBytes());
    assertEquals(1_000, c.sweepIntervalMs());
    assertEquals(3_600_000, c.tokenRotationMs());
    assertEquals(1024, c.maxGrantsPerToken());
  }

  @Test
  void grantLimitMustBePositiveBecauseThereIsNoUnlimited() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(tokens().put("maxGrantsPerToken", 0)));

    assertTrue(e.getMessage().contains("maxGrantsPerToken"), e.getMessage());
    assertEquals(7, SchedulerConfig.fromJson(tokens().put("maxGrantsPerToken", 7)).maxGrantsPerToken());
  }

  @Test
  void shippedConfigFileParses() throws IOException {
    // Tests run from the module directory; the shared config sits one level up.
    JsonObject whole = new JsonObject(Files.readString(Path.of("..", "conf", "vxcc.json")));

    // It ships no tokens (a node alone draws its own; a cluster's are the operator's secret).
    JsonObject section = whole.getJsonObject("scheduler").put("userTokens", List.of("u")).put("servantTokens", List.of("s"));

    SchedulerConfig c = SchedulerConfig.fromJson(section);

    assertEquals(Set.of("u"), c.userTokens());
  }

  @Test
  void tokenListsMustNotBeEmpty() {
    var noUsers = assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(tokens().put("userTokens", List.of())));
    var noServants = assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(new JsonObject().put("userTokens", List.of("u"))));

    assertTrue(noUsers.getMessage().contains("userTokens"), noUsers.getMessage());
    assertTrue(noServants.getMessage().contains("servantTokens"), noServants.getMessage());
  }

  @Test
  void emptyTokenIsRejectedBecauseItWouldDisableAuth() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(tokens().put("userTokens", List.of("u", ""))));

    assertTrue(e.getMessage().contains("empty token"), e.getMessage());
  }

  @Test
  void maxWaitAboveTenSecondsIsRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(tokens().put("maxWaitMs", 10_001)));

    assertTrue(e.getMessage().contains("maxWaitMs"), e.getMessage());
  }

  @Test
  void wrongJsonTypeIsAnIllegalArgument() {
    assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(tokens().put("sweepIntervalMs", "soon")));
    assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(tokens().put("userTokens", "u")));
    assertThrows(IllegalArgumentException.class,
        () -> SchedulerConfig.fromJson(tokens().put("sweepIntervalMs", 0)));
  }
}
