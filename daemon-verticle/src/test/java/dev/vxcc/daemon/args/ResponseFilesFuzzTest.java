package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Response files as a hostile build could write them: nested, looping, quoted, binary, huge.
 * Expansion ends with a list or {@link ResponseFiles.UnreadableException}, within the expansion
 * and depth bounds, and tokenising inverts quoting.
 */
class ResponseFilesFuzzTest {
  private static final int FILES = 12;
  /** Upper bound on what one expansion can produce: 2000 expansions of files of at most 16 tokens. */
  private static final int MAX_OUTPUT = 2000 * 16 + 64;

  @TempDir
  static Path dir;

  /**
   * A fixed random web of response files (seeded, so CI always sees the same one): files name each
   * other, themselves, missing files, a directory, a FIFO-like special file, and hold quotes,
   * backslashes and invalid UTF-8.
   */
  @BeforeAll
  static void writeResponseFiles() throws IOException {
    Random r = new Random(42);
    Gen<String> word = Gen.oneOf(Gen.elements(List.of("-O2", "-c", "a.c", "\"a b\"", "'q\\'", "\\\\", "\\", "\"", "'",
        "-o out.o", "@missing", "@sub", "@/dev/zero", "@/dev/null", "@huge.rsp", "\t", "\n", "\u0000")),
        Gen.anyStrings(8), (Gen<String>) g -> "@r" + g.nextInt(FILES) + ".rsp");
    for (int i = 0; i < FILES; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(16);
      for (int k = 0; k < n; k++) {
        sb.append(word.next(r)).append(r.nextBoolean() ? " " : "\n");
      }
      byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (i % 5 == 4) {
        text = java.util.Arrays.copyOf(text, text.length + 2);
        text[text.length - 2] = (byte) 0xC3; // truncated UTF-8 sequence
        text[text.length - 1] = (byte) 0x28;
      }
      Files.write(dir.resolve("r" + i + ".rsp"), text);
    }
    Files.writeString(dir.resolve("self.rsp"), "-c @self.rsp");
    Files.writeString(dir.resolve("fan.rsp"), "@fan.rsp @fan.rsp @fan.rsp @fan.rsp");
    Files.createDirectories(dir.resolve("sub"));
    // Sparse: larger than the 64 MiB bound without using the disk; must be refused before reading.
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("huge.rsp").toFile(), "rw")) {
      f.setLength((64L << 20) + 1);
    }
  }

  private static final Gen<List<String>> ARGV = Gen.lists(Gen.frequency(
      3, Gen.elements(List.of("-c", "a.c", "-O2", "@", "@@", "@/", "@sub", "@missing", "@/dev/zero", "@huge.rsp",
          "@self.rsp", "@fan.rsp", "@../" + "x".repeat(300), "@\u0000", "@a\u0000b")),
      3, (Gen<String>) r -> "@r" + r.nextInt(FILES) + ".rsp",
      1, Gen.anyStrings(12).map(s -> "@" + s)), 8);

  @Test
  void expansionEndsInAListOrAClearRefusal() {
    Fuzz.property("response-files-expand").check(r -> {
      List<String> argv = new ArrayList<>(ARGV.next(r));
      argv.add(r.nextBoolean() ? "GCC" : "CLANG");
      return argv;
    }, in -> {
      CompilerFamily family = CompilerFamily.valueOf(in.get(in.size() - 1));
      List<String> argv = in.subList(0, in.size() - 1);
      try {
        List<String> out = ResponseFiles.expand(argv, dir, family);
        assertTrue(out.size() <= argv.size() + MAX_OUTPUT, "expanded to " + out.size() + " arguments");
      } catch (ResponseFiles.UnreadableException refused) {
        assertTrue(refused.getMessage() != null && !refused.getMessage().isEmpty());
      }
    });
  }

  @Test
  void aFileOverTheBoundIsRefusedBeforeItIsRead() {
    Fuzz.property("response-files-huge").fraction(10).maxAllocatedBytes(1 << 20).check(Gen.elements(List.of(
        List.of("@huge.rsp"), List.of("-c", "@huge.rsp", "a.c"), List.of("@r0.rsp", "@huge.rsp"))), argv ->
        assertThrows(ResponseFiles.UnreadableException.class, () -> ResponseFiles.expand(argv, dir, CompilerFamily.GCC)));
  }

  @Test
  void tokenizeAnswersAnyText() {
    Fuzz.property("response-files-tokenize").<String>allocationBudget(s -> 64 * 1024 + 16L * s.length())
        .check(Gen.oneOf(Gen.anyStrings(2000), Gen.strings(" \t\n'\"\\ab@-", 400)), text -> {
          List<String> tokens = ResponseFiles.tokenize(text);
          assertTrue(tokens.stream().mapToInt(String::length).sum() <= text.length());
          assertTrue(tokens.size() <= text.length() / 2 + 1);
        });
  }

  /** Found by tokenizeInvertsBackslashQuoting: only the C locale's spaces separate, as in gcc and clang. */
  @Test
  void onlyAsciiSpacesSeparateArguments() {
    assertEquals(List.of("a\u2003b", "\u001fc\u2029d", "e"), ResponseFiles.tokenize("a\u2003b \u001fc\u2029d\u000be"));
  }

  @Test
  void tokenizeInvertsBackslashQuoting() {
    Gen<List<String>> argsGen = Gen.lists(Gen.oneOf(Gen.anyStrings(12), Gen.strings(" '\"\\@-x", 6)), 10);
    Fuzz.property("response-files-quoting").check(argsGen, args -> {
      StringBuilder text = new StringBuilder();
      for (String a : args) {
        text.append(a.isEmpty() ? "''" : a.replaceAll("(?s)(.)", "\\\\$1")).append(' ');
      }
      assertEquals(args, ResponseFiles.tokenize(text.toString()));
    });
  }
}
