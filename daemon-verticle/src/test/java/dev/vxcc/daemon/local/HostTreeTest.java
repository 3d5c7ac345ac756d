package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.CompilerFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTreeTest {
  @TempDir
  Path tmp;

  private static boolean hasTriple(List<String> cmd, String op, String a, String b) {
    for (int i = 0; i + 2 < cmd.size(); i++) {
      if (cmd.get(i).equals(op) && cmd.get(i + 1).equals(a) && cmd.get(i + 2).equals(b)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void outputsLandInTheStageWhileTheirNeighboursStayVisibleReadOnly() throws Exception {
    Path build = Files.createDirectories(tmp.resolve("build"));
    Files.writeString(build.resolve("other.o"), "x");
    Files.writeString(build.resolve("a.o"), "stale object of an earlier build");
    Files.createSymbolicLink(build.resolve("inc"), Path.of("../include"));
    List<String> argv = List.of("-O2", "-c", "../a.cc", "-o", "a.o");
    HostTree.Prepared p = HostTree.prepare(tmp.resolve("job"), -1, -1, Path.of("/usr/bin/g++"), CompilerFamily.GCC, argv,
        build.toString(), List.of(build.resolve("a.o").toString()), List.of("LANG=C"));

    List<String> cmd = p.command();
    assertTrue(hasTriple(cmd, "--ro-bind", "/", "/"), "the whole machine read-only: " + cmd);
    assertTrue(hasTriple(cmd, "--bind", p.outputs().get(build.resolve("a.o").toString()).getParent().toString(), build.toString()));
    assertTrue(hasTriple(cmd, "--ro-bind", build.resolve("other.o").toString(), build.resolve("other.o").toString()));
    assertTrue(hasTriple(cmd, "--symlink", "../include", build.resolve("inc").toString()), "links stay links");
    assertFalse(cmd.contains(build.resolve("a.o").toString()), "the old output is not bound back over the new one");
    assertEquals(argv, cmd.subList(cmd.size() - argv.size(), cmd.size()), "the user's arguments run unchanged");
    assertTrue(p.env().containsKey("SUNPRO_DEPENDENCIES"), "gcc lists what it read without a change of arguments");
    assertEquals("C", p.env().get("LANG"));
    assertTrue(p.depFile().startsWith(tmp.resolve("job")));
  }

  @Test
  void clangIsAskedForTheDependencyListOnItsCommandLine() throws Exception {
    Path build = Files.createDirectories(tmp.resolve("b"));
    HostTree.Prepared p = HostTree.prepare(tmp.resolve("job"), -1, -1, Path.of("/usr/bin/clang++"), CompilerFamily.CLANG,
        List.of("-c", "x.cc", "-o", "x.o"), build.toString(), List.of(build.resolve("x.o").toString()), List.of());
    List<String> cmd = p.command();
    assertEquals("-MF", cmd.get(cmd.size() - 2));
    assertEquals(Collections.nCopies(1, "-MD"), cmd.subList(cmd.size() - 3, cmd.size() - 2));
  }

  @Test
  void theUsersOwnFullDependencyFileIsRead() throws Exception {
    Path build = Files.createDirectories(tmp.resolve("b"));
    HostTree.Prepared p = HostTree.prepare(tmp.resolve("job"), -1, -1, Path.of("/usr/bin/g++"), CompilerFamily.GCC,
        List.of("-MD", "-MF", "x.o.d", "-c", "x.cc", "-o", "x.o"), build.toString(),
        List.of(build.resolve("x.o").toString(), build.resolve("x.o.d").toString()), List.of());
    assertEquals(p.outputs().get(build.resolve("x.o.d").toString()), p.depFile());
    assertFalse(p.env().containsKey("SUNPRO_DEPENDENCIES"));
  }

  @Test
  void aListWithoutSystemHeadersCannotKeyTheResult() throws Exception {
    Path build = Files.createDirectories(tmp.resolve("b"));
    assertThrows(HostTree.NotHere.class, () -> HostTree.prepare(tmp.resolve("job"), -1, -1, Path.of("/usr/bin/g++"), CompilerFamily.GCC,
        List.of("-MMD", "-MF", "x.o.d", "-c", "x.cc", "-o", "x.o"), build.toString(),
        List.of(build.resolve("x.o").toString(), build.resolve("x.o.d").toString()), List.of()));
  }
}
