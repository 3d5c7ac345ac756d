package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.LocalReason;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What {@code vxcc --stats} tells a user about where compiles ran and which ran twice. */
class DelegateStatsTest {
  @Test
  void remoteShareCountsServantsAndCacheHitsAgainstEveryLocalReason() {
    DelegateStats s = new DelegateStats();
    assertEquals(0.0, s.toJson().getDouble("remoteShare"), "nothing finished yet");
    s.ranOn("a:1");
    s.ranOn("b:1");
    s.cacheHits.incrementAndGet();
    s.local(LocalReason.DEBUG_MACRO_INFO);
    JsonObject j = s.toJson();
    assertEquals(0.75, j.getDouble("remoteShare"));
    assertEquals(1, j.getJsonObject("localByReason").getLong("debug-macro-info"));
    String text = s.toText();
    assertTrue(text.contains("remote share           75.0 %"), text);
    assertTrue(text.contains("debug-macro-info"), text);
  }

  @Test
  void repeatsAreCountedByReasonAndThoseAfterOurFailuresApart() {
    DelegateStats s = new DelegateStats();
    s.repeated(RepeatReason.REMOTE_DIAGNOSTICS);
    s.repeated(RepeatReason.REMOTE_DIAGNOSTICS);
    s.repeated(RepeatReason.COMPILE_ERROR);
    s.repeated(RepeatReason.SERVANT_RETRY);
    JsonObject j = s.toJson();
    assertEquals(4, j.getLong("repeated"));
    assertEquals(1, j.getLong("repeatedAfterOurFailures"));
    JsonObject by = j.getJsonObject("repeatedByReason");
    assertEquals(2, by.getLong("remote-diagnostics"));
    assertEquals(1, by.getLong("compile-error"));
    assertEquals(1, by.getLong("servant-retry"));
    // Every reason is listed, zeros included, so that scripts can read any of them.
    assertEquals(0, by.getLong("remote-failed"));
    String text = s.toText();
    assertTrue(text.contains("compiled twice         4 (after a failure of ours: 1)"), text);
    assertTrue(text.contains("  remote-diagnostics     2"), text);
    assertTrue(!text.contains("remote-failed"), "zero counts stay out of the text: " + text);
  }
}
