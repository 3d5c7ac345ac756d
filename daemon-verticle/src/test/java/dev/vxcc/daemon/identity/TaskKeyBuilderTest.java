package dev.vxcc.daemon.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.CompilerFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskKeyBuilderTest {
  private static final String ID = "0123abcd".repeat(8);
  private static final String MAIN = "int main() { return twice(1); }\n";

  private static byte[] text(String root, String body) {
    return ("# 0 \"" + root + "/src/main.cc\"\n# 1 \"" + root + "/src/main.cc\"\n# 1 \"" + root + "/include/util.h\" 1\n"
        + "inline int twice(int x) { return 2 * x; }\n# 2 \"" + root + "/src/main.cc\" 2\n" + body).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static TaskKeyBuilder.Request request(CompilerFamily family, String body, List<String> args, String baseDir,
      List<String> side, Path prefix, TaskKeyBuilder.FileInput in, String epoch) {
    return new TaskKeyBuilder.Request(ID, prefix, args, ".o", text("/w/a", body), "src/main.cc", family, side, baseDir, in, epoch, null);
  }

  private static TaskKeyBuilder.Keyed keyed(TaskKeyBuilder.Request r) {
    return assertInstanceOf(TaskKeyBuilder.Keyed.class, TaskKeyBuilder.build(r));
  }

  private static String digest(CompilerFamily family, String body, List<String> args, String baseDir, List<String> side, Path prefix) {
    return keyed(request(family, body, args, baseDir, side, prefix, null, "")).taskDigest();
  }

  /** Computed by the code before the builder existed: existing cache entries must keep hitting. */
  @Test
  void keysAreTheSameAsBeforeTheBuilder() {
    String raw = digest(CompilerFamily.GCC, MAIN, List.of("-O2", "-x", "c++"), "", List.of(), null);
    assertEquals("f4322384eaee2279c5bd53799828728314808d21edbd273b99e17d1e0e3992e0", raw);
    assertEquals("de8e5bad4f2c80c6cb497f6b049bc2baf169128de8611297e082784d7c5b0c7c",
        digest(CompilerFamily.GCC, MAIN, List.of("-O2", "-x", "c++"), "/w/a", List.of(), null));
    assertEquals("819f998d34b22507ff9021e3b431ee482172511da5126a4dd0ae68413a0055e7",
        digest(CompilerFamily.CLANG, "int y;\n", List.of("-O2", "-g", "-fdebug-prefix-map=/w/a=."), "/w/a", List.of(), null));
    assertEquals("ef2dfcbb604f052c9b9111bfa4ace394dc17fc46cc78e814a2ca43910c2648ed",
        digest(CompilerFamily.GCC, "int y;\n", List.of("-O2", "-fstack-usage"), "/w/a", List.of(".su"), null));
    assertEquals("f4b5a280ec892f188de96a21860d0dd9ab69e34190bb9ce5a723d5d4a5859446",
        digest(CompilerFamily.GCC, "# 1 \"/opt/g/lib/gcc/x/12/include/stddef.h\" 1\nint z;\n", List.of("-O2"), "", List.of(), Path.of("/opt/g")));
    assertEquals("2c303528f8d2eb9c3465a827eb6c80412bc5fe17bb7a55bcb81e424313efd5b3",
        keyed(request(CompilerFamily.GCC, MAIN, List.of("-O2", "-x", "c++"), "", List.of(), null,
            new TaskKeyBuilder.FileInput("src/main.cc", "/w/a"), "")).taskDigest());
    TaskKeyBuilder.Keyed clock = keyed(request(CompilerFamily.GCC, "const char* d = __DATE__;\n", List.of("-O2"), "", List.of(), null, null,
        "1700000000"));
    assertEquals("3aedf656d8f56f85a8c9892738d8a9dc0ac69dab83f66a679a80bcc9a02180ec", clock.taskDigest());
    assertEquals("1700000000", clock.sourceDateEpoch());
    assertFalse(clock.cacheable());
    assertEquals("cxx1-" + raw, TaskKeyBuilder.cacheKey(raw));
  }

  @Test
  void anEpochMattersOnlyToASourceThatReadsTheClock() {
    TaskKeyBuilder.Keyed plain = keyed(request(CompilerFamily.GCC, "int y;\n", List.of("-O2"), "", List.of(), null, null, "1700000000"));
    assertEquals("", plain.sourceDateEpoch());
    assertTrue(plain.cacheable());
    assertEquals(digest(CompilerFamily.GCC, "int y;\n", List.of("-O2"), "", List.of(), null), plain.taskDigest());
  }

  @Test
  void gccSourcesWithBaseFileAreRefusedClangOnesAreNot() {
    String body = "const char* b = __BASE_FILE__;\n";
    assertEquals(new TaskKeyBuilder.Refused(dev.vxcc.daemon.args.LocalReason.BASE_FILE_MACRO),
        TaskKeyBuilder.build(request(CompilerFamily.GCC, body, List.of("-O2"), "", List.of(), null, null, "")));
    keyed(request(CompilerFamily.CLANG, body, List.of("-O2"), "", List.of(), null, null, ""));
  }

  /** The one-pass scan finds exactly what one search per macro found. */
  @Test
  void scanAgreesWithASearchPerMacro() {
    List<String> needles = List.of("__BASE_FILE__", "__DATE__", "__TIME__", "__TIMESTAMP__");
    List<String> fixed = List.of("", "_", "__DATE_", "__DATE__", "x__DATE__", "___TIME__", "__TIMESTAMP_", "__TIMESTAMP__",
        "__TIMESTAMP__x", "__BASE_FILE_", "a __BASE_FILE__", "__BASE_FILE__ __TIME__", "__TIM__DATE__");
    Random r = new Random(10);
    List<String> all = new java.util.ArrayList<>(fixed);
    String alphabet = "_DATEIMSBFL x";
    for (int n = 0; n < 50_000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(40);
      for (int i = 0; i < len; i++) {
        String needle = needles.get(r.nextInt(needles.size()));
        sb.append(r.nextInt(4) == 0 ? needle.substring(0, 1 + r.nextInt(needle.length()))
            : String.valueOf(alphabet.charAt(r.nextInt(alphabet.length()))));
      }
      all.add(sb.toString());
    }
    for (String s : all) {
      TaskKeyBuilder.Needles found = TaskKeyBuilder.scan(s.getBytes(StandardCharsets.US_ASCII));
      boolean clock = s.contains("__DATE__") || s.contains("__TIME__") || s.contains("__TIMESTAMP__");
      assertEquals(new TaskKeyBuilder.Needles(s.contains("__BASE_FILE__"), clock), found, s);
    }
  }

  private static TaskKeyBuilder.StoreVerdict store(TaskKeyBuilder.Request compiled, String claimed, Optional<CompilerFamily> detected,
      List<String> produced) {
    return TaskKeyBuilder.forStore(compiled, claimed, detected, produced);
  }

  @Test
  void theServantStoresOnlyWhenItsViewAgrees() {
    TaskKeyBuilder.Request sent = request(CompilerFamily.GCC, "int y;\n", List.of("-O2", "-fstack-usage"), "/w/a", List.of(".su"), null, null, "");
    String claimed = keyed(sent).taskDigest();
    TaskKeyBuilder.StoreVerdict ok = store(sent, claimed, Optional.of(CompilerFamily.GCC), List.of(".su"));
    assertTrue(ok.store(), ok.mismatch());
    assertEquals(TaskKeyBuilder.cacheKey(claimed), ok.cacheKey());
    assertTrue(store(sent, claimed, Optional.empty(), List.of(".su")).store());

    assertFalse(store(sent, claimed, Optional.of(CompilerFamily.CLANG), List.of(".su")).store(), "wrong family");
    assertFalse(store(sent, claimed, Optional.of(CompilerFamily.GCC), List.of()).store(), "a side output missing");
    assertFalse(store(sent, claimed, Optional.of(CompilerFamily.GCC), List.of(".su", ".dwo")).store(), "an unexpected side output");
    TaskKeyBuilder.Request tampered = request(CompilerFamily.GCC, "int z;\n", List.of("-O2", "-fstack-usage"), "/w/a", List.of(".su"), null,
        null, "");
    assertFalse(store(tampered, claimed, Optional.of(CompilerFamily.GCC), List.of(".su")).store(), "another source");
    TaskKeyBuilder.Request noFamily = new TaskKeyBuilder.Request(ID, null, sent.args(), ".o", sent.source(), "src/main.cc", null,
        sent.sideOutputs(), "/w/a", null, "", null);
    assertFalse(store(noFamily, claimed, Optional.of(CompilerFamily.GCC), List.of(".su")).store(), "no family sent");
    TaskKeyBuilder.Request clock = request(CompilerFamily.GCC, "const char* t = __TIME__;\n", List.of("-O2"), "", List.of(), null, null, "5");
    assertFalse(store(clock, keyed(clock).taskDigest(), Optional.empty(), List.of()).store(), "reads the clock");
    TaskKeyBuilder.Request strayEpoch = request(CompilerFamily.GCC, "int y;\n", List.of("-O2"), "", List.of(), null, null, "5");
    assertFalse(store(strayEpoch, keyed(strayEpoch).taskDigest(), Optional.empty(), List.of()).store(), "an epoch the key does not name");
    TaskKeyBuilder.Request baseFile = request(CompilerFamily.GCC, "const char* b = __BASE_FILE__;\n", List.of("-O2"), "", List.of(), null,
        null, "");
    assertFalse(store(baseFile, claimed, Optional.empty(), List.of()).store(), "a source the delegate never sends");
  }

  @Test
  void familiesSurviveTheWire() {
    for (CompilerFamily f : CompilerFamily.values()) {
      assertEquals(f, TaskKeyBuilder.fromWire(TaskKeyBuilder.toWire(f)));
    }
    assertEquals(null, TaskKeyBuilder.fromWire(TaskKeyBuilder.toWire(null)));
  }
}
