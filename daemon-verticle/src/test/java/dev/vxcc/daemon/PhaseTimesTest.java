package dev.vxcc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.PhaseTimes.Phase;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PhaseTimesTest {
  @Test
  void everyValueFallsInABucketWhoseBoundsHoldIt() {
    for (long v = 0; v < 1 << 20; v = v < 64 ? v + 1 : v + v / 7) {
      int b = PhaseTimes.bucket(v);
      assertTrue(v <= PhaseTimes.upperBound(b), v + " above bucket " + b);
      if (b > 0) {
        assertTrue(v > PhaseTimes.upperBound(b - 1), v + " belongs below bucket " + b);
      }
    }
  }

  @Test
  void summariesShowWhichPhaseDominates() {
    AtomicLong now = new AtomicLong();
    PhaseTimes t = new PhaseTimes(PhaseTimes.DELEGATE, now::get);
    for (int i = 1; i <= 100; i++) {
      long start = t.now();
      now.addAndGet(i * 1_000_000L);  // i ms
      t.since(Phase.GRANT_WAIT, start);
      t.record(Phase.KEY, 2_000_000L);
    }
    PhaseTimes.Summary grant = t.summary(Phase.GRANT_WAIT);
    assertEquals(100, grant.count());
    assertEquals(5050_000, grant.totalMicros());
    assertEquals(100_000, grant.maxMicros());
    // Within a bucket (under 25 %) of the true 50 ms and 90 ms.
    assertTrue(grant.p50Micros() >= 50_000 && grant.p50Micros() < 62_500, "p50 " + grant.p50Micros());
    assertTrue(grant.p90Micros() >= 90_000 && grant.p90Micros() < 112_500, "p90 " + grant.p90Micros());
    assertEquals(2_000, t.summary(Phase.KEY).maxMicros());
    assertEquals(0, t.summary(Phase.COMPILE).count());
  }

  @Test
  void jsonAndTextNameEveryPhaseThatSawATask() {
    PhaseTimes t = new PhaseTimes(PhaseTimes.SERVANT, () -> 0);
    t.record(Phase.COMPILE, 1_500_000_000L);
    t.record(Phase.CLASSIFY, 1_000);  // not a servant phase: ignored
    t.record(Phase.STORE, -5);  // a mark from another clock: counted as zero
    JsonObject j = t.toJson();
    assertEquals(PhaseTimes.SERVANT.size(), j.size());
    assertEquals(1, j.getJsonObject("compile").getLong("count"));
    assertEquals(1500.0, j.getJsonObject("compile").getDouble("maxMs"));
    assertEquals(0.0, j.getJsonObject("store").getDouble("maxMs"));
    String text = t.toText("  ");
    assertTrue(text.contains("compile") && text.contains("store") && !text.contains("collect"), text);
    assertEquals(text, PhaseTimes.toText(j, "  "));
  }
}
