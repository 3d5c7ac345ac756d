package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A scheduler and two daemons, each its own JVM started through bin/vxcc-node -cluster on
 * loopback; a real project (Debian's ninja-build) built through the native wrapper with make -j8.
 * Debug builds (-g, prefix maps, -g3, clang's DWARF 5) of real projects are FidelityMatrixTest's.
 */
// The order only puts the long build first; the tests share nothing but the cluster.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedBuildTest {
  static LoopbackCluster cluster;
  static NodeProcess submitter;
  static NodeProcess servant;
  static Path work;
  static Path symlinks;

  @BeforeAll
  static void startCluster() throws Exception {
    work = E2e.work("distributed");
    symlinks = E2e.symlinks(work);
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    // The submitter serves too, but the policy must prefer the other machine.
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

  /** The tests share one cluster: a node an earlier test killed is reported as such. */
  @BeforeEach
  void everyNodeStillRuns() {
    E2e.assertEveryNodeRuns(cluster);
  }

  static JsonObject stats(NodeProcess daemon) throws Exception {
    return E2e.stats(daemon.localApi());
  }

  @Test
  @Order(1)
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void realProjectBuiltThroughTheClusterIsByteIdenticalAndRuns() throws Exception {
    Path src = Sources.debian("ninja-build");
    Path local = work.resolve("build-local");
    Path viaVxcc = work.resolve("build-vxcc");
    // Not Release: ninja turns on LTO there, and gcc's LTO objects differ even between two local
    // compiles (random section names), so nothing could be compared byte for byte.
    List<String> cmake = List.of("cmake", "-S", src.toString(), "-DCMAKE_BUILD_TYPE=None", "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG");

    Commands.run(work, Map.of(), 300, concat(cmake, "-B", local.toString(), "-DCMAKE_CXX_COMPILER=/usr/bin/g++")).orFail("cmake (local)");
    Commands.run(local, Map.of(), 1200, List.of("make", "-j2")).orFail("local build");

    Map<String, String> env = E2e.env(symlinks, submitter.localApi());
    Commands.run(work, env, 300, concat(cmake, "-B", viaVxcc.toString(), "-DCMAKE_CXX_COMPILER=" + symlinks.resolve("g++")))
        .orFail("cmake (through vxcc)");
    Commands.Result build = Commands.run(viaVxcc, env, 1200, List.of("make", "-j8")).orFail("build through vxcc");

    Map<String, byte[]> expected = E2e.objects(local);
    assertTrue(expected.size() >= 30, "ninja has dozens of objects, found " + expected.size());
    E2e.assertIdentical(expected, E2e.objects(viaVxcc), "-O2 build through the cluster vs a local one");

    JsonObject s = stats(submitter);
    String servantLocation = servant.info("serving");
    long onServant = s.getJsonObject("remoteByServant").getLong(servantLocation, 0L);
    assertTrue(onServant > 0, "no task ran on the other daemon's servant: " + s.encodePrettily() + "\nbuild:\n" + build.stdout());
    assertTrue(s.getLong("remote") >= expected.size() / 2, "most compiles should be remote: " + s.encodePrettily());

    Commands.Result version = Commands.run(viaVxcc, Map.of(), 60, List.of(viaVxcc.resolve("ninja").toString(), "--version")).orFail("built ninja");
    assertEquals("1.11.1", version.stdout().trim());
    runNinjaTests(viaVxcc);
  }

  @Test
  @Order(2)
  void compileErrorGivesTheCompilersOwnDiagnosticsAndExitCode() throws Exception {
    Path dir = Files.createDirectories(work.resolve("broken"));
    Files.writeString(dir.resolve("bad.cc"), "#include <vector>\nint f() { std::vector<int> v; return v.size() + undefined_name; }\n");
    Commands.Result direct = Commands.run(dir, Map.of(), 60, List.of("/usr/bin/g++", "-O2", "-c", "bad.cc", "-o", "bad.o"));
    Commands.Result viaVxcc = Commands.run(dir, E2e.env(symlinks, submitter.localApi()), 60, E2e.onPath("g++", "-O2", "-c", "bad.cc", "-o", "bad.o"));
    assertEquals(1, direct.exit());
    assertEquals(direct.exit(), viaVxcc.exit());
    assertEquals(direct.stderr(), viaVxcc.stderr());
    assertEquals(direct.stdout(), viaVxcc.stdout());
  }

  @Test
  @Order(3)
  void warningsAreShownExactlyAsALocalCompileShowsThem() throws Exception {
    Path dir = Files.createDirectories(work.resolve("warn"));
    Files.writeString(dir.resolve("warn.cc"), "#include <string>\nint g(int a) { int unused; std::string s = \"x\"; return a + (int) s.size(); }\n");
    Commands.Result direct = Commands.run(dir, Map.of(), 60, List.of("/usr/bin/g++", "-Wall", "-O2", "-c", "warn.cc", "-o", "direct.o"));
    Commands.Result viaVxcc = Commands.run(dir, E2e.env(symlinks, submitter.localApi()), 60, E2e.onPath("g++", "-Wall", "-O2", "-c", "warn.cc", "-o", "vxcc.o"));
    assertEquals(0, viaVxcc.exit());
    assertTrue(direct.stderr().contains("unused"), direct.stderr());
    assertEquals(direct.stderr(), viaVxcc.stderr());
    assertArrayEquals(Files.readAllBytes(dir.resolve("direct.o")), Files.readAllBytes(dir.resolve("vxcc.o")));
  }

  /**
   * ninja's own test suite, built through vxcc with the rest (CMake's BUILD_TESTING is on by
   * default): a build that lost it has not been checked, so its absence fails.
   */
  static void runNinjaTests(Path build) throws Exception {
    Path tests = build.resolve("ninja_test");
    assertTrue(Files.isExecutable(tests), "the build made no " + tests);
    Commands.run(build, Map.of(), 600, List.of(tests.toString())).orFail("ninja's own test suite");
  }

  static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
