package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.FuzzArgs;
import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stranger holding a token can make a servant run: argument vectors and file-as-source
 * names drawn from the option table's own spellings, hostile values and junk. Whatever the
 * servant's checks accept must give a compiler command that {@link CompilerCommandJudge} finds
 * harmless (no response file, no output/plugin/wrapper/specs option, no operand but its own).
 */
class ServantChecksFuzzTest {
  private static final String OUT = "/srv/job/out/out.o";

  /** Mostly vectors a servant might accept (a mode flag is usually present), else anything. */
  private static final Gen<List<String>> ARGS = r -> {
    List<String> args = new ArrayList<>(FuzzArgs.argv(12).next(r));
    if (r.nextInt(5) > 0) {
      args.add(r.nextInt(args.size() + 1), r.nextBoolean() ? "-c" : "-S");
    }
    return args;
  };

  private static final Gen<String> SEGMENT = Gen.frequency(
      6, Gen.elements(List.of("a", "b.c", "src", "m.cpp", "..", ".", "", "-x", "@a", "-wrapper", "@", "-",
          "@/etc/passwd", "a b", "\u00e9", "a=b", "...", "~", "$HOME", "*", "a\\b", "-o")),
      1, Gen.anyStrings(6));
  private static final Gen<String> PATH = r -> {
    StringBuilder sb = new StringBuilder(r.nextInt(3) == 0 ? "/" : "");
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.append(i > 0 ? "/" : "").append(SEGMENT.next(r));
    }
    return sb.toString();
  };
  private static final Gen<String> INPUT_PATH = Gen.frequency(5, PATH, 2, Gen.elements(FuzzArgs.SOURCES),
      1, (Gen<String>) r -> "../".repeat(r.nextInt(12)) + "a.c",
      // Deep names cost a directory per level; a few reach the 1024-character bound.
      1, (Gen<String>) r -> "a/".repeat(r.nextInt(50) == 0 ? 511 : r.nextInt(16)) + "a.c");
  private static final Gen<String> CWD = Gen.frequency(4, PATH.map(p -> p.startsWith("/") ? p : "/" + p),
      1, Gen.elements(List.of("/", "/home/u/proj", "relative", "", "/a=b", "/x/../y", "/-o", "/@x")),
      1, Gen.anyStrings(16));

  private static Gen<String[]> fileAsSource() {
    // Known-good vectors half of the time, so the path checks get most of the accepted cases.
    Gen<List<String>> args = Gen.oneOf(ARGS, Gen.elements(List.of(List.of("-c"), List.of("-O2", "-g", "-c", "-x", "c"),
        List.of("-S", "-x", "c++", "-std=c++17"), List.of("-c", "-fPIC", "-DX=1"))));
    return r -> {
      List<String> a = args.next(r);
      String[] out = new String[a.size() + 2];
      out[0] = INPUT_PATH.next(r);
      out[1] = CWD.next(r);
      for (int i = 0; i < a.size(); i++) {
        out[i + 2] = a.get(i);
      }
      return out;
    };
  }

  @Test
  void acceptedArgumentVectorsGiveHarmlessStdinCommands() {
    int[] accepted = {0};
    Fuzz.property("servant-args-stdin").check(ARGS, args -> {
      Optional<String> refused = ServantArgsPolicy.check(args);
      assertNotNull(refused);
      if (refused.isEmpty()) {
        accepted[0]++;
        List<String> command = new ArrayList<>(args);
        command.addAll(List.of("-", "-o", OUT));
        assertNull(CompilerCommandJudge.problem(command, "-", OUT), () -> "accepted: " + args);
      }
    });
    assertTrue(accepted[0] >= Fuzz.tries() / 100, "only " + accepted[0] + " vectors accepted");
  }

  @Test
  void pathAndCwdChecksAnswerEveryString() {
    Gen<String> any = Gen.oneOf(INPUT_PATH, CWD, Gen.anyStrings(2048));
    Fuzz.property("servant-path-checks").check(any, s -> {
      String p = SourceInput.pathProblem(s);
      String c = SourceInput.cwdProblem(s);
      if (p == null) {
        assertTrue(!s.isEmpty() && s.length() <= SourceInput.MAX_PATH_LENGTH && s.chars().noneMatch(ch -> ch < 0x20));
      }
      if (c == null) {
        assertTrue(s.startsWith("/") && s.length() <= SourceInput.MAX_PATH_LENGTH);
      }
    });
  }

  @Test
  void acceptedFileAsSourceTasksNameOnlyTheirOwnSource() {
    int[] accepted = {0};
    Fuzz.property("servant-file-as-source-names").check(fileAsSource(), in -> {
      String inputPath = in[0];
      List<String> args = List.of(in).subList(2, in.length);
      if (ServantArgsPolicy.check(args).isPresent() || SourceInput.pathProblem(inputPath) != null
          || SourceInput.cwdProblem(in[1]) != null) {
        return;
      }
      accepted[0]++;
      // prepare() passes a relative name as written and an absolute one below the job directory.
      String operand = inputPath.startsWith("/") ? "/srv/job/src/root" + inputPath : inputPath;
      List<String> command = new ArrayList<>(args);
      command.addAll(List.of("-fdebug-prefix-map=/srv/job/src/cwd=" + in[1], operand, "-o", OUT));
      assertNull(CompilerCommandJudge.problem(command, operand, OUT), () -> "accepted: " + List.of(in));
    });
    assertTrue(accepted[0] >= Fuzz.tries() / 100, "only " + accepted[0] + " tasks accepted");
  }

  @Test
  void acceptedFileAsSourceTasksGiveHarmlessCommandsInsideTheJobDirectory(@TempDir Path tmp) {
    int[] n = {0};
    // Each accepted try writes a job directory: a tenth of the count, the pure property above has the rest.
    Fuzz.property("servant-file-as-source").fraction(10).check(fileAsSource(), in -> {
      String inputPath = in[0];
      String cwd = in[1];
      List<String> args = List.of(in).subList(2, in.length);
      if (ServantArgsPolicy.check(args).isPresent() || SourceInput.pathProblem(inputPath) != null
          || SourceInput.cwdProblem(cwd) != null) {
        return;
      }
      Path job = tmp.resolve("job" + n[0]++);
      try {
        SourceInput.Prepared p = SourceInput.prepare(job, Path.of("/usr/bin/gcc"), args, inputPath, cwd, Path.of(OUT),
            "int x;\n".getBytes());
        List<String> command = p.command().subList(1, p.command().size());
        String operand = command.get(command.size() - 3);
        assertNull(CompilerCommandJudge.problem(command, operand, OUT), () -> "accepted: " + List.of(in));
        assertTrue(p.inputFile().normalize().startsWith(job.toAbsolutePath()), "source written outside the job: " + p.inputFile());
        assertTrue(Files.isRegularFile(p.inputFile()));
      } catch (IllegalArgumentException refused) {
        // prepare's own last line of defence; a refusal is fine
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        deleteTree(job);
      }
    });
  }

  @Test
  void judgeRecognisesTheIssue8Attacks() {
    // The judge must itself see the attacks that were found, or the properties above prove nothing.
    assertEquals("response file @/etc/passwd",
        CompilerCommandJudge.problem(List.of("-c", "@/etc/passwd", "-o", OUT), "@/etc/passwd", OUT));
    assertNotNull(CompilerCommandJudge.problem(List.of("-c", "-wrapper", "/bin/sh,-c,id", "-", "-o", OUT), "-", OUT));
    assertNotNull(CompilerCommandJudge.problem(List.of("-c", "-D", "@x", "-", "-o", OUT), "-", OUT));
    assertNotNull(CompilerCommandJudge.problem(List.of("-c", "-Xclang", "-load", "-Xclang", "x.so", "-", "-o", OUT), "-", OUT));
    assertNotNull(CompilerCommandJudge.problem(List.of("-c", "-", "-", "-o", OUT), "-", OUT));
    assertNotNull(CompilerCommandJudge.problem(List.of("-c", "/etc/passwd", "-", "-o", OUT), "-", OUT));
    assertNull(CompilerCommandJudge.problem(List.of("-O2", "-c", "-x", "c", "-fpreprocessed", "-", "-o", OUT), "-", OUT));
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
