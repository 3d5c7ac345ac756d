package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vxcc --stats names a servant's compilers the way a person knows them. */
class StatsTextTest {
  private static final String GXX = "a".repeat(64);
  private static final String GCC = "b".repeat(64);
  private static final String OTHER = "c".repeat(64);

  @Test
  void compilersAreListedByNameAndVersionAndTheRestByShortDigest() {
    Map<String, String> names = Map.of(GXX, "g++ 12.2.0", GCC, "gcc 12.2.0");
    assertEquals("g++ 12.2.0, gcc 12.2.0", StatsText.compilers(new JsonArray().add(GCC).add(GXX), names));
    assertEquals("gcc 12.2.0, 1 not used here (cccccccccccc)", StatsText.compilers(new JsonArray().add(OTHER).add(GCC), names));
    assertEquals("none", StatsText.compilers(new JsonArray(), names));
  }
}
