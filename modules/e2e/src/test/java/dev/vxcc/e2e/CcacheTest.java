package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debian's real ccache in front, vxcc as its prefix (the classic {@code CCACHE_PREFIX=distcc}
 * set-up): ccache hashes and keeps results on this machine, and only its misses reach vxcc, which
 * sends them to the cluster. A second build is all ccache hits and creates no vxcc task.
 * Each test has its own ccache directory and compares with the plain build made once up front,
 * so neither depends on the other having run.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CcacheTest {
  static final List<String> UNITS = List.of("alpha", "beta", "gamma", "delta");

  static LoopbackCluster cluster;
  static NodeProcess submitter;
  static Path work;
  static Path src;
  static Map<String, byte[]> reference;

  @BeforeAll
  static void start() throws Exception {
    work = E2e.work("ccache");
    Commands.Result which = Commands.run(work, Map.of(), 30, List.of("sh", "-c", "command -v ccache"));
    assertEquals(0, which.exit(), "this test needs Debian's ccache: apt-get install ccache");
    src = project(work.resolve("src"));
    reference = build("plain", Map.of("CXX", "/usr/bin/g++"));
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 3);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    // The submitter serves nothing, so every compile that reaches vxcc is remote.
    submitter = cluster.start("daemon", LoopbackCluster.config("node-a", 0));
    NodeProcess servant = cluster.start("daemon", LoopbackCluster.config("node-b", 2));
    E2e.awaitServantAt(submitter.localApi(), servant.info("serving"));
    E2e.awaitCompilerInCluster(submitter.localApi(), Path.of("/usr/bin/g++"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The tests share one cluster: a node an earlier test killed is reported as such. */
  @BeforeEach
  void everyNodeStillRuns() {
    E2e.assertEveryNodeRuns(cluster);
  }

  /** A small multi-file project with a Makefile whose compiler is {@code $(CXX)}. */
  static Path project(Path dir) throws Exception {
    Files.createDirectories(dir);
    StringBuilder objs = new StringBuilder();
    for (String u : UNITS) {
      Files.writeString(dir.resolve(u + ".cc"), """
          #include <map>
          #include <string>
          int %s(int n) {
            std::map<std::string, int> m;
            for (int i = 0; i < n; i++) m[std::to_string(i)] = i * %d;
            return static_cast<int>(m.size());
          }
          """.formatted(u, u.length()));
      objs.append(' ').append(u).append(".o");
    }
    Files.writeString(dir.resolve("Makefile"), "all:" + objs + "\n%.o: %.cc\n\t$(CXX) -O2 -c $< -o $@\n");
    return dir;
  }

  /** A clean make -j4 of the project in a copy of it; returns its objects. */
  static Map<String, byte[]> build(String name, Map<String, String> env) throws Exception {
    Path dir = work.resolve(name);
    Commands.run(work, Map.of(), 30, List.of("rm", "-rf", dir.toString())).orFail("rm");
    Commands.run(work, Map.of(), 30, List.of("cp", "-a", src.toString(), dir.toString())).orFail("copy the project");
    Commands.run(dir, env, 300, List.of("make", "-j4")).orFail("make " + name);
    Map<String, byte[]> objects = E2e.objects(dir);
    assertEquals(UNITS.size(), objects.size(), name + ": " + objects.keySet());
    return objects;
  }

  /** ccache with its own directory and nothing from the user's configuration. */
  static Map<String, String> ccacheEnv(Path ccacheDir) {
    Map<String, String> env = new HashMap<>();
    env.put("CXX", "ccache g++");
    env.put("CCACHE_DIR", ccacheDir.toString());
    env.put("CCACHE_CONFIGPATH", ccacheDir.resolve("ccache.conf").toString());
    env.put("VXCC_DAEMON", submitter.localApi());
    return env;
  }

  static long tasks() throws Exception {
    JsonObject s = E2e.stats(submitter.localApi());
    return s.getLong("invocations", 0L);
  }

  static long remote() throws Exception {
    return E2e.stats(submitter.localApi()).getLong("remote", 0L);
  }

  @Test
  void ccachePrefixSendsTheMissesThroughVxccAndASecondBuildIsAllCcacheHits() throws Exception {
    Path ccacheDir = Files.createDirectories(work.resolve("ccache-env"));
    Map<String, String> env = ccacheEnv(ccacheDir);
    env.put("CCACHE_PREFIX", E2e.dist().resolve("bin/vxcc").toString());
    long remoteBefore = remote();
    E2e.assertIdentical(reference, build("first", env), "ccache + vxcc vs a plain local compile");
    assertEquals(UNITS.size(), remote() - remoteBefore,
        "every ccache miss was compiled remotely: " + E2e.stats(submitter.localApi()).encodePrettily());

    long invocations = tasks();
    E2e.assertIdentical(reference, build("second", env), "ccache hits vs a plain local compile");
    assertEquals(invocations, tasks(), "all ccache hits: vxcc was not asked to do anything");
    String ccacheStats = Commands.run(work, env, 30, List.of("ccache", "--print-stats")).orFail("ccache --print-stats").stdout();
    assertTrue(ccacheStats.contains("direct_cache_hit\t" + UNITS.size()), ccacheStats);
  }

  @Test
  void prefixCommandInCcacheConfWorksTheSame() throws Exception {
    Path ccacheDir = Files.createDirectories(work.resolve("ccache-conf"));
    Files.writeString(ccacheDir.resolve("ccache.conf"), "prefix_command = " + E2e.dist().resolve("bin/vxcc") + "\n");
    long remoteBefore = remote();
    E2e.assertIdentical(reference, build("conf", ccacheEnv(ccacheDir)), "prefix_command build vs a plain local compile");
    assertEquals(UNITS.size(), remote() - remoteBefore, "no shared cache here: every miss compiled remotely again");
  }
}
