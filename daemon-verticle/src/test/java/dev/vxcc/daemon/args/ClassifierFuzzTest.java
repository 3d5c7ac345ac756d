package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.servant.CompilerCommandJudge;
import dev.vxcc.daemon.servant.ServantArgsPolicy;
import dev.vxcc.daemon.servant.SourceInput;
import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier over argument vectors built from the option table's spellings, hostile values,
 * source names and junk: it always decides, never by way of an internal exception, and whatever
 * it sends to a servant is accepted there and harmless (see {@link CompilerCommandJudge}).
 */
class ClassifierFuzzTest {
  private static final String OUT = "/srv/job/out/out.o";
  private static final List<String[]> COMPILERS = List.of(new String[] {"gcc", "/usr/bin/gcc"},
      new String[] {"g++", "/usr/bin/g++"}, new String[] {"clang", "/usr/bin/clang"},
      new String[] {"clang++-14", "/usr/bin/clang++-14"}, new String[] {"cc", "/usr/bin/cc"});

  @TempDir
  static Path cwd;

  @BeforeAll
  static void responseFiles() throws IOException {
    // A few response files the vectors may name, so that expansion is part of the run.
    Files.writeString(cwd.resolve("x.rsp"), "-O2 -c 'a b.c' \"-DX=1\" @y.rsp");
    Files.writeString(cwd.resolve("y.rsp"), "-g -Wall\n-o out.o");
    Files.writeString(cwd.resolve("a.c.rsp"), "@a.c.rsp");
    Files.createDirectories(cwd.resolve("src"));
    Files.writeString(cwd.resolve("a.c"), "int a;");
  }

  /** Usually shaped like a compile (mode, one source, -o), with table spellings and junk mixed in. */
  private static final Gen<List<String>> ARGV = r -> {
    List<String> args = new ArrayList<>(FuzzArgs.argv(16).next(r));
    if (r.nextInt(4) > 0) {
      args.add(r.nextInt(args.size() + 1), r.nextInt(5) == 0 ? "-S" : "-c");
      args.add(r.nextInt(args.size() + 1), FuzzArgs.SOURCES.get(r.nextInt(FuzzArgs.SOURCES.size())));
      if (r.nextBoolean()) {
        int at = r.nextInt(args.size() + 1);
        args.add(at, "out.o");
        args.add(at, "-o");
      }
    }
    if (r.nextInt(8) == 0) {
      args.add(r.nextInt(args.size() + 1), "@" + List.of("x.rsp", "y.rsp", "a.c.rsp", "missing.rsp", "/dev/zero", "src")
          .get(r.nextInt(6)));
    }
    return args;
  };

  @Test
  void everyVectorGetsADecisionAndRemoteOnesAreAcceptedAndHarmlessOnAServant() {
    int[] remotes = new int[2];
    Fuzz.property("classifier").check(r -> {
      String[] compiler = COMPILERS.get(r.nextInt(COMPILERS.size()));
      List<String> argv = ARGV.next(r);
      List<String> in = new ArrayList<>(List.of(compiler));
      in.addAll(argv);
      return in;
    }, in -> {
      Decision d = ArgumentClassifier.classify(in.get(0), Path.of(in.get(1)), in.subList(2, in.size()), cwd);
      assertNotNull(d);
      if (d instanceof Decision.Local l) {
        // classify() turns a RuntimeException into BAD_INPUT "unexpected: ..."; that is a bug to find.
        assertFalse(l.reason() == LocalReason.BAD_INPUT && l.detail().startsWith("unexpected:"), l.detail());
        return;
      }
      Decision.Remote remote = (Decision.Remote) d;
      remotes[remote.fileAsSource() ? 1 : 0]++;
      assertEquals(Optional.empty(), ServantArgsPolicy.check(remote.remoteArgs()), "remote args refused by a servant");
      if (!remote.fallbackRemoteArgs().isEmpty()) {
        assertEquals(Optional.empty(), ServantArgsPolicy.check(remote.fallbackRemoteArgs()), "fallback refused");
        assertNull(judgeStdin(remote.fallbackRemoteArgs()));
      }
      if (remote.fileAsSource()) {
        assertNull(SourceInput.pathProblem(remote.inputPath()));
        assertNull(SourceInput.cwdProblem(remote.clientCwd()));
        List<String> command = new ArrayList<>(remote.remoteArgs());
        command.addAll(List.of(remote.inputPath(), "-o", OUT));
        assertNull(CompilerCommandJudge.problem(command, remote.inputPath(), OUT));
      } else {
        assertNull(judgeStdin(remote.remoteArgs()));
      }
    });
    // Otherwise the generator has drifted into vectors that never reach the servant side.
    assertTrue(remotes[0] >= Fuzz.tries() / 50 && remotes[1] >= 1 + Fuzz.tries() / 5000,
        "too few remote decisions: " + remotes[0] + " stdin, " + remotes[1] + " file-as-source");
  }

  /** Found by the property above: vectors that used to be sent to a servant, which must now refuse them. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"-l @", "-Xlinker @", "-Xclang -include -Xclang x.h",
      "-Xclang -I -Xclang inc", "-mllvm -plugin", "-mllvm -load=x.so", "-Xclang -fpass-plugin=x.so"})
  void argumentsAServantRefusesStayLocal(String options) {
    List<String> argv = new ArrayList<>(List.of("-c", "a.c", "-o", "a.o"));
    argv.addAll(List.of(options.split(" ")));
    for (String[] c : COMPILERS) {
      Decision d = ArgumentClassifier.classify(c[0], Path.of(c[1]), argv, cwd);
      assertTrue(d instanceof Decision.Local, c[0] + " " + argv + ": " + d);
    }
  }

  private static String judgeStdin(List<String> args) {
    List<String> command = new ArrayList<>(args);
    command.addAll(List.of("-", "-o", OUT));
    return CompilerCommandJudge.problem(command, "-", OUT);
  }
}
