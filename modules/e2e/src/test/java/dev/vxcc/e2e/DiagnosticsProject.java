package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxcc.e2e.FidelityMatrixTest.Row;
import dev.vxcc.testkit.Commands;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small project whose compiles print things: one TU with a warning every compiler prints by
 * default, one that fails, one C++ TU with anonymous-namespace types in the main file (gcc -g with an
 * absolute source path once printed a spurious -Wsubobject-linkage for it), headers under -I. Each
 * file is compiled on its own with -MD, by absolute path, as CMake does; objects, .d and .dwo files,
 * stderr and exit codes must equal the real compiler's.
 */
final class DiagnosticsProject {
  /** Sources and whether a local compile of them succeeds. */
  static final Map<String, Boolean> SOURCES = Map.of("ok.cc", true, "warn.c", true, "error.c", false);

  private DiagnosticsProject() {}

  static Path write(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("include"));
    Files.writeString(dir.resolve("include/shapes.h"), """
        #pragma once
        #define SHAPE_SIDES(n) ((n) + 0)
        struct Shape {
          int sides;
        };
        """);
    Files.writeString(dir.resolve("ok.cc"), """
        #include "shapes.h"
        #include <string>
        namespace {
        struct Local {
          std::string name;
          Shape shape;
        };
        }
        struct Holder {
          Local local;
        };
        int area(int n) {
          Holder h{{"square", {SHAPE_SIDES(n)}}};
          return h.local.shape.sides * static_cast<int>(h.local.name.size()) + __LINE__;
        }
        """);
    Files.writeString(dir.resolve("warn.c"), """
        #include "shapes.h"
        int *dangling(void) {
          int sides = SHAPE_SIDES(4);
          return &sides;
        }
        """);
    Files.writeString(dir.resolve("error.c"), """
        #include "shapes.h"
        int broken(void) {
          return undeclared_sides + SHAPE_SIDES(1);
        }
        """);
    return dir;
  }

  /** One row: every source compiled with the real compiler, then through vxcc, at the same paths. */
  static Row compare(Path src, FidelityMatrixTest.Compiler c, FidelityMatrixTest.Config cfg) throws Exception {
    long t0 = System.nanoTime();
    Path out = FidelityMatrixTest.work.resolve("diag-out");
    Path kept = FidelityMatrixTest.work.resolve("diag-local");
    List<String> flags = List.of(cfg.flagsFor(src).split(" "));
    Map<String, Commands.Result> local = compileAll(src, out, c, flags, Map.of(), null, true);
    local.putAll(compileAll(src, out, c, flags, Map.of(), null, false));
    Commands.run(FidelityMatrixTest.work, Map.of(), 60, List.of("rm", "-rf", kept.toString())).orFail("clean");
    Files.move(out, kept);

    Map<String, String> env = new HashMap<>(E2e.env(FidelityMatrixTest.symlinks, FidelityMatrixTest.submitter.localApi()));
    env.put("VXCC_CACHE_CONTROL", "0");
    // The failing TU counts too: as a source tree it runs once, remotely, and its errors come back
    // as the compiler printed them.
    JsonObject before = E2e.stats(FidelityMatrixTest.submitter.localApi());
    Map<String, Commands.Result> viaVxcc = compileAll(src, out, c, flags, env, FidelityMatrixTest.symlinks, true);
    viaVxcc.putAll(compileAll(src, out, c, flags, env, FidelityMatrixTest.symlinks, false));
    JsonObject after = E2e.stats(FidelityMatrixTest.submitter.localApi());

    List<String> different = new ArrayList<>();
    Map<String, String> why = new LinkedHashMap<>();
    for (String s : SOURCES.keySet()) {
      Commands.Result a = local.get(s);
      Commands.Result b = viaVxcc.get(s);
      assertEquals(SOURCES.get(s), a.exit() == 0, s + " with the real compiler: " + a.stderr());
      if (a.exit() != b.exit() || !a.stderr().equals(b.stderr()) || !a.stdout().equals(b.stdout())) {
        different.add(s);
        why.put(s, "exit " + a.exit() + "/" + b.exit() + ", stderr\n--- real:\n" + a.stderr() + "--- vxcc:\n" + b.stderr());
      }
    }
    int files = 0;
    for (String f : FidelityMatrixTest.objects(kept)) {
      files++;
      compareFile(kept, out, f, different, why);
    }
    try (var ds = Files.list(kept)) {
      for (Path d : ds.filter(p -> p.toString().endsWith(".d")).toList()) {
        files++;
        compareFile(kept, out, d.getFileName().toString(), different, why);
      }
    }
    assertEquals(FidelityMatrixTest.objects(kept), FidelityMatrixTest.objects(out), cfg + ": different sets of outputs");
    Placement where = Placement.between(before, after);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    return new Row("diag", c.name(), cfg.label(), files, where.remote(), where.localCompiles(), where.reasons(), where.links(), different,
        why, different.isEmpty() ? "pass (stderr, exit, .o/.d/.dwo)" : "FAIL", seconds, where.repeated());
  }

  private static void compareFile(Path kept, Path out, String f, List<String> different, Map<String, String> why) throws Exception {
    Path b = out.resolve(f);
    if (!Files.exists(b) || !Arrays.equals(Files.readAllBytes(kept.resolve(f)), Files.readAllBytes(b))) {
      different.add(f);
      why.put(f, Files.exists(b) ? "bytes differ" : "missing");
    }
  }

  private static Map<String, Commands.Result> compileAll(Path src, Path out, FidelityMatrixTest.Compiler c, List<String> flags,
      Map<String, String> env, Path symlinks, boolean succeeding) throws Exception {
    Files.createDirectories(out);
    Map<String, Commands.Result> results = new LinkedHashMap<>();
    for (String s : SOURCES.keySet()) {
      if (SOURCES.get(s) != succeeding) {
        continue;
      }
      String tool = s.endsWith(".cc") ? c.cxx() : c.cc();
      String stem = s.substring(0, s.lastIndexOf('.'));
      List<String> cmd = new ArrayList<>();
      cmd.add(symlinks == null ? "/usr/bin/" + tool : symlinks.resolve(tool).toString());
      cmd.addAll(flags);
      cmd.addAll(List.of("-I" + src.resolve("include"), "-MD", "-MT", stem + ".o", "-MF", stem + ".d", "-o", stem + ".o", "-c",
          src.resolve(s).toString()));
      results.put(s, Commands.run(out, env, 300, cmd));
    }
    return results;
  }

}
