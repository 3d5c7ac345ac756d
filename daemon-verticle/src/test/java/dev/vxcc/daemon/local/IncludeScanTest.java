package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncludeScanTest {
  private static final Path CWD = Path.of("/w/build");

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void gccDirectivesOnlyMarkersNameEveryIncludeWithItsIncluder() {
    String gcc = """
        # 0 "../src/a.c"
        # 0 "<built-in>"
        #define __STDC__ 1
        # 0 "<command-line>"
        # 1 "/usr/include/stdc-predef.h" 1 3 4
        # 0 "<command-line>" 2
        # 1 "../src/a.c"
        # 1 "../src/inc/h.h" 1
        # 1 "../src/inc/deep.h" 1
        int deep;
        # 2 "../src/inc/h.h" 2
        # 2 "../src/a.c" 2
        # 1 "/usr/include/stdio.h" 1 3 4
        # 226 "/usr/include/stdio.h" 3 4
        # 3 "../src/a.c" 2
        int main() { return 0; }
        """;
    IncludeScan.Includes s = IncludeScan.scan(text(gcc), CWD).orElseThrow();
    assertEquals(Path.of("/w/src/a.c"), s.main());
    assertEquals(Map.of(
        Path.of("/usr/include/stdc-predef.h"), Path.of("/w/src/a.c"),
        Path.of("/w/src/inc/h.h"), Path.of("/w/src/a.c"),
        Path.of("/w/src/inc/deep.h"), Path.of("/w/src/inc/h.h"),
        Path.of("/usr/include/stdio.h"), Path.of("/w/src/a.c")), s.includer());
  }

  @Test
  void clangRewriteIncludesMarkersAreReadToo() {
    String clang = """
        # 1 "a.c"
        # 1 "<built-in>" 1
        # 1 "a.c" 2
        #if 0 /* expanded by -frewrite-includes */
        #include "inc/h.h"
        #endif /* expanded by -frewrite-includes */
        # 1 "a.c"
        # 1 "./inc/h.h" 1
        #define H 3
        # 2 "a.c" 2
        """;
    IncludeScan.Includes s = IncludeScan.scan(text(clang), CWD).orElseThrow();
    assertEquals(Map.of(Path.of("/w/build/inc/h.h"), Path.of("/w/build/a.c")), s.includer());
  }

  @Test
  void escapedQuotesAreUnescapedAndOctalEscapesRecordNothing() {
    IncludeScan.Includes s = IncludeScan.scan(text("# 0 \"a.c\"\n# 1 \"we\\\"ird.h\" 1\n"), CWD).orElseThrow();
    assertEquals(Map.of(Path.of("/w/build/we\"ird.h"), Path.of("/w/build/a.c")), s.includer());
    assertTrue(IncludeScan.scan(text("# 0 \"a.c\"\n# 1 \"\\303.h\" 1\n"), CWD).isEmpty());
    assertTrue(IncludeScan.scan(text("# 0 \"a.c\"\n# 1 \"unterminated.h 1\n"), CWD).isEmpty());
  }

  @Test
  void textWithoutMarkersIsNotTrusted() {
    assertTrue(IncludeScan.scan(text("int x;\n"), CWD).isEmpty());
  }
}
