package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.PhaseTimes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

  @Test
  void phaseTimesOfTheDaemonAndItsServantAreShown() {
    DelegateStats stats = new DelegateStats();
    stats.phases.record(PhaseTimes.Phase.GRANT_WAIT, 12_000_000L);
    PhaseTimes servant = new PhaseTimes(PhaseTimes.SERVANT);
    servant.record(PhaseTimes.Phase.STORE, 3_000_000L);
    JsonObject servantStats = new JsonObject().put("maxTasks", 1).put("phases", servant.toJson());

    String text = StatsText.render(stats, new LocalQuota(1, 0), servantStats, null, Map.of());

    assertTrue(text.contains("time per phase (this daemon)\n  grant-wait "), text);
    assertTrue(text.contains("time per phase (this servant)\n  store "), text);
    assertTrue(stats.toJson().getJsonObject("phases").containsKey("grant-wait"), "--json has them too");
  }
}
