package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The directive scan, rewritten to copy without a byte-at-a-time stream and to read the text once
 * per dialect, gives the bytes and verdicts the first versions gave (kept here as the reference)
 * on inputs dense in what they handle.
 */
class SourceDirectivesRewriteTest {
  private static final String[] PIECES = {"\\", "\\\n", "\\ \t\n", "\\\r\n", "\\ x\n", "??/", "??/\n", "??=", "??(", "??", "?", "#",
      "#include \"a\"", "#define X 1", "\n", " ", "/*", "*/", "//", "\"", "'", "R\"x(", ")x\"", "u8R\"(", ")\"", "pch_preprocess",
      "%:", "abc", "_", "\r", "ERROR\"", "LR\"(", "xR\"y(", "R", "# 12 \"a.h\" 1", "#pragma GCC pch_preprocess",
      "#define", "#defined", "#pragma", "#if", "# 1", "#1x", "u8"};

  /** The first splice: a byte at a time into a stream. */
  private static byte[] referenceSplice(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\\') {
        int j = i + 1;
        while (j < in.length && (in[j] == ' ' || in[j] == '\t' || in[j] == '\f' || in[j] == 0x0b || in[j] == '\r')) {
          j++;
        }
        if (j < in.length && in[j] == '\n') {
          i = j;
          continue;
        }
      }
      out.write(in[i]);
    }
    return out.toByteArray();
  }

  private static byte[] referenceTrigraphs(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      int k = i + 2 < in.length && in[i] == '?' && in[i + 1] == '?' ? "=/'()!<>-".indexOf(in[i + 2]) : -1;
      if (k >= 0) {
        out.write("#\\^[]|{}~".charAt(k));
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toByteArray();
  }

  private static byte[] random(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(40);
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void spliceAndTrigraphsGiveTheReferenceBytes() {
    Random r = new Random(42);
    for (int i = 0; i < 50_000; i++) {
      byte[] in = random(r);
      String what = new String(in, StandardCharsets.ISO_8859_1);
      assertArrayEquals(referenceSplice(in), SourceDirectives.splice(in), what);
      assertArrayEquals(referenceTrigraphs(in), SourceDirectives.replaceTrigraphs(in), what);
    }
  }

  @Test
  void aTextWithoutSplicesIsNotCopied() {
    byte[] in = "#define A \\ x\nint a;\n".getBytes(StandardCharsets.ISO_8859_1);
    assertSame(in, SourceDirectives.splice(in));
  }

  @Test
  void refusalsAreThoseOfTheReferenceCopies() {
    // The one-pass problem() against the first multi-pass scan fed by the reference copies: same verdicts.
    Random r = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      byte[] in = random(r);
      assertEquals(referenceProblem(in), SourceDirectives.problem(in), new String(in, StandardCharsets.ISO_8859_1));
    }
  }

  private static String referenceProblem(byte[] text) {
    return SourceDirectivesReference.problemOver(text, SourceDirectivesRewriteTest::referenceSplice, SourceDirectivesRewriteTest::referenceTrigraphs);
  }
}
