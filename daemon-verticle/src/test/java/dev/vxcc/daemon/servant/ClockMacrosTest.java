package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which source-tree results may be stored: none whose inputs could read a clock the key does not pin. */
class ClockMacrosTest {
  private static int scan(String s) {
    return ClockMacros.scan(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsEachClockMacroAnywhereInTheText() {
    assertEquals(0, scan("int x = __LINE__; const char *f = __FILE__; // __DATE"));
    assertEquals(ClockMacros.DATE_OR_TIME, scan("const char *d = __DATE__;"));
    assertEquals(ClockMacros.DATE_OR_TIME, scan("__TIME__"));
    assertEquals(ClockMacros.TIMESTAMP, scan("/* built __TIMESTAMP__ */"));
    assertEquals(ClockMacros.DATE_OR_TIME | ClockMacros.TIMESTAMP, scan("__TIMESTAMP__ __TIME__"));
    assertEquals(0, scan("__"));
  }

  @Test
  void sourceDateEpochPinsDateAndTimeButNotTheFileTimestamp() {
    assertTrue(ClockMacros.repeatable(0, ""));
    assertFalse(ClockMacros.repeatable(ClockMacros.DATE_OR_TIME, ""));
    assertTrue(ClockMacros.repeatable(ClockMacros.DATE_OR_TIME, "1700000000"));
    assertFalse(ClockMacros.repeatable(ClockMacros.TIMESTAMP, "1700000000"));
  }

  @Test
  void aFileIsReadOncePerDigest(@TempDir Path dir) throws Exception {
    ClockMacros clocks = new ClockMacros(10);
    Path f = Files.writeString(dir.resolve("t.h"), "#define T __TIME__\n");
    assertEquals(ClockMacros.DATE_OR_TIME, clocks.of("d1", f));
    Files.delete(f);
    assertEquals(ClockMacros.DATE_OR_TIME, clocks.of("d1", f), "remembered by digest, not read again");
  }
}
