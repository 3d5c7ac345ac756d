package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rows of issue 11 that the preprocessed recipes keep local become source trees when enabled, and only then. */
class SourceTreeRecipeTest {
  private static final Path CWD = Path.of("/home/u/proj/build");

  private static List<String> argv(String flags) {
    List<String> a = new java.util.ArrayList<>(List.of(flags.replace("ROOT", "/home/u/proj").split(" ")));
    a.addAll(List.of("-I/home/u/proj/include", "-MD", "-MF", "obj/a.d", "-o", "obj/a.o", "-c", "/home/u/proj/src/a.cc"));
    return a;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "g++|/usr/bin/g++|-g -O2 -ffile-prefix-map=ROOT=. -fstack-protector-strong -Wformat -Werror=format-security -Wdate-time -D_FORTIFY_SOURCE=2|debug-info-records-switches",
      "g++|/usr/bin/g++|-O2 -g -fdebug-prefix-map=ROOT=.|debug-info-records-switches",
      "g++|/usr/bin/g++|-g3 -O2|debug-macro-info",
      "g++|/usr/bin/g++|-g -O2 -Wall -Wextra -Wpedantic|",
      "clang++|/usr/bin/clang++|-g3 -O2|debug-macro-info",
      "clang++|/usr/bin/clang++|-g -O2|debug-info-checksums",
      "clang++|/usr/bin/clang++|-O2 -g -fdebug-prefix-map=ROOT=.|debug-info-paths"})
  void refusedDebugRowsBecomeSourceTrees(String tool, String compiler, String flags, String reason) {
    Decision off = ArgumentClassifier.classify(tool, Path.of(compiler), argv(flags), CWD);
    if (reason == null) {
      // Distributed today, but its warnings would be redone locally (remote-diagnostics).
      assertTrue(assertInstanceOf(Decision.Remote.class, off).fileAsSource());
    } else {
      assertEquals(reason, assertInstanceOf(Decision.Local.class, off).reason().code());
    }
    Decision.Remote on = assertInstanceOf(Decision.Remote.class, ArgumentClassifier.classify(tool, Path.of(compiler), argv(flags), CWD, true));
    assertTrue(on.sourceTree());
    // The servant runs the user's own vector; the wrapper's pass only lists dependencies.
    assertEquals(argv(flags), on.remoteArgs());
    assertEquals("-M", on.preprocessArgs().get(on.preprocessArgs().size() - 1));
    assertTrue(on.preprocessArgs().stream().noneMatch(a -> a.equals("-MD") || a.equals("-MF") || a.equals("-o") || a.equals("-c")),
        on.preprocessArgs().toString());
    assertEquals(List.of("/home/u/proj/build/obj/a.o", "/home/u/proj/build/obj/a.d"), on.extraOutputs());
    assertEquals(CWD.toString(), on.clientCwd());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"g++|/usr/bin/g++|-O2 -g", "clang++|/usr/bin/clang++|-O2 -g -gdwarf-4"})
  void compilesTheExistingRecipesHandleKeepThem(String tool, String compiler, String flags) {
    Decision.Remote on = assertInstanceOf(Decision.Remote.class, ArgumentClassifier.classify(tool, Path.of(compiler), argv(flags), CWD, true));
    assertTrue(!on.sourceTree(), on.inputMode().toString());
  }
}
