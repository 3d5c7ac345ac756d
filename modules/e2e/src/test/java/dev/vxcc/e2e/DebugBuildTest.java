package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import dev.vxcc.testkit.Sources;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ninja built with {@code -O2 -g} (gcc's default -grecord-gcc-switches) through a scheduler and
 * two daemons: the compiles must run remotely and the objects, debug info included, must be
 * byte-identical to a local build.
 */
class DebugBuildTest {
  static LoopbackCluster cluster;
  static NodeProcess submitter;
  static NodeProcess servant;
  static Path work;
  static Path symlinks;

  @BeforeAll
  static void startCluster() throws Exception {
    work = E2e.work("debug");
    symlinks = E2e.symlinks(work);
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    submitter = cluster.start("daemon", LoopbackCluster.config("node-a", 2));
    servant = cluster.start("daemon", LoopbackCluster.config("node-b", 4));
    E2e.awaitServantAt(submitter.localApi(), servant.info("serving"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void debugBuildThroughTheClusterIsByteIdentical() throws Exception {
    Path src = Sources.debian("ninja-build");
    // DW_AT_comp_dir is the build directory, so both builds must happen at the same path.
    Path build = work.resolve("build");
    List<String> cmake = List.of("cmake", "-S", src.toString(), "-B", build.toString(), "-DCMAKE_BUILD_TYPE=None",
        "-DCMAKE_CXX_FLAGS=-O2 -g");

    Commands.run(work, Map.of(), 300, concat(cmake, "-DCMAKE_CXX_COMPILER=/usr/bin/g++")).orFail("cmake (local)");
    Commands.run(build, Map.of(), 1200, List.of("make", "-j2")).orFail("local build");
    Map<String, byte[]> expected = E2e.objects(build);
    Files.move(build, work.resolve("build-local"));

    Map<String, String> env = E2e.env(symlinks, submitter.localApi());
    Commands.run(work, env, 300, concat(cmake, "-DCMAKE_CXX_COMPILER=" + symlinks.resolve("g++"))).orFail("cmake (through vxcc)");
    Commands.Result built = Commands.run(build, env, 1200, List.of("make", "-j4")).orFail("build through vxcc");
    Map<String, byte[]> actual = E2e.objects(build);

    expected.keySet().removeIf(k -> k.contains("_CMakeLTOTest"));
    actual.keySet().removeIf(k -> k.contains("_CMakeLTOTest"));
    assertTrue(expected.size() >= 30, "ninja has dozens of objects, found " + expected.size());
    assertEquals(expected.keySet(), actual.keySet());
    List<String> different = new ArrayList<>();
    expected.forEach((name, bytes) -> {
      if (!Arrays.equals(bytes, actual.get(name))) {
        different.add(name);
      }
    });
    assertEquals(List.of(), different, "objects that differ from a local -g compile");

    JsonObject s = E2e.stats(submitter.localApi());
    assertTrue(s.getLong("remote") >= expected.size() / 2, "most -g compiles should be remote: " + s.encodePrettily()
        + "\nbuild:\n" + built.stdout());

    if (Files.exists(build.resolve("ninja_test"))) {
      Commands.run(build, Map.of(), 600, List.of(build.resolve("ninja_test").toString())).orFail("ninja's own test suite");
    }
  }

  static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
