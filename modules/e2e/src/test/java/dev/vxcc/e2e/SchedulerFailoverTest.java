package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import dev.vxcc.testkit.Sources;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two scheduler nodes, one active and one standby, each its own JVM: the active one is killed
 * (kill -9) in the middle of a real build. The build must finish with objects identical to a local
 * build, the standby must have become the active one, and compiles must have kept going remote.
 */
class SchedulerFailoverTest {
  static LoopbackCluster cluster;
  static NodeProcess active;
  static NodeProcess standby;
  static NodeProcess submitter;
  static Path work;
  static Path links;

  @BeforeAll
  static void start() throws Exception {
    work = E2e.work("failover");
    links = E2e.symlinks(work);
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    // The first one started is the oldest member, so it is the active one.
    active = cluster.start("scheduler", LoopbackCluster.config("sched-1", 0));
    standby = cluster.start("scheduler", LoopbackCluster.config("sched-2", 0));
    submitter = cluster.start("daemon", LoopbackCluster.config("node-a", 0));
    NodeProcess servant = cluster.start("daemon", LoopbackCluster.config("node-b", 4));
    E2e.awaitServantAt(submitter.localApi(), servant.info("serving"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static boolean logSays(NodeProcess node, String text) throws Exception {
    return Files.readString(node.log()).contains(text);
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void killingTheActiveSchedulerMidBuildLosesNoCompilesAndTheStandbyTakesOver() throws Exception {
    assertTrue(logSays(active, "This scheduler is now the active one"), "the oldest scheduler serves");
    assertTrue(!logSays(standby, "This scheduler is now the active one"), "the younger one waits");

    Path src = Sources.debian("ninja-build");
    Path local = work.resolve("build-local");
    Path viaVxcc = work.resolve("build-vxcc");
    List<String> cmake = List.of("cmake", "-S", src.toString(), "-DCMAKE_BUILD_TYPE=None", "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG");
    Commands.run(work, Map.of(), 300, concat(cmake, "-B", local.toString(), "-DCMAKE_CXX_COMPILER=/usr/bin/g++")).orFail("cmake (local)");
    Commands.run(local, Map.of(), 1200, List.of("make", "-j2", "libninja")).orFail("local build");

    Map<String, String> env = E2e.env(links, submitter.localApi());
    Commands.run(work, env, 300, concat(cmake, "-B", viaVxcc.toString(), "-DCMAKE_CXX_COMPILER=" + links.resolve("g++")))
        .orFail("cmake (through vxcc)");
    long remoteBefore = stats().getLong("remote");
    long localBefore = failoverLocals(stats());
    CompletableFuture<Commands.Result> build = CompletableFuture.supplyAsync(() -> {
      try {
        return Commands.run(viaVxcc, env, 1200, List.of("make", "-j8", "libninja"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    // A few objects done remotely, most still to come: the build is well under way.
    long deadline = System.currentTimeMillis() + 600_000;
    while (remoteSoFar() - remoteBefore < 3) {
      assertTrue(!build.isDone() && System.currentTimeMillis() < deadline, "the build never got going: " + E2e.stats(submitter.localApi()));
      Thread.sleep(100);
    }
    long remoteAtKill = stats().getLong("remote");
    active.kill();

    Commands.Result result = build.get(20, TimeUnit.MINUTES).orFail("build through vxcc across the failover");
    JsonObject s = stats();
    Map<String, byte[]> expected = E2e.objects(local.resolve("CMakeFiles/libninja.dir"));
    assertTrue(expected.size() >= 20, "libninja has dozens of objects: " + expected.keySet());
    E2e.assertIdentical(expected, E2e.objects(viaVxcc.resolve("CMakeFiles/libninja.dir")), "build across a scheduler failover vs local");
    assertTrue(logSays(standby, "This scheduler is now the active one"), "the standby took over: " + NodeProcess.tail(standby.log()));
    assertTrue(s.getLong("remote") > remoteAtKill, "compiles kept going remote after the kill: " + s.encodePrettily());
    // The target is at most 2 % local because of a failover; with this few objects, that is none.
    // Local by design (info queries, LTO) or for want of slots on a loaded machine (cluster-busy)
    // is no failover's doing.
    assertTrue(failoverLocals(s) - localBefore == 0, "compiles fell back to local: " + s.encodePrettily() + "\n" + result.stdout());
  }

  /** Remote compiles so far; a stats call that times out on a loaded machine reads as no progress. */
  static long remoteSoFar() throws Exception {
    try {
      return stats().getLong("remote");
    } catch (AssertionError e) {
      return 0;
    }
  }

  /** Local compiles a lost or missing scheduler causes. */
  static long failoverLocals(JsonObject stats) {
    JsonObject reasons = stats.getJsonObject("localByReason", new JsonObject());
    return reasons.getLong("no-servant-for-compiler", 0L) + reasons.getLong("scheduler-unreachable", 0L);
  }

  static JsonObject stats() throws Exception {
    return E2e.stats(submitter.localApi());
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }
}
