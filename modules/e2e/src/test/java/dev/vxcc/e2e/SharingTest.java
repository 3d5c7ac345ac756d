package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Identical tasks are compiled once: merged on one daemon, joined across daemons, and a joined
 * task survives its first submitter dying. The servant's compiler is a slow stand-in for the real
 * g++ (it sleeps first), so the submissions overlap for sure.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SharingTest {
  static final String SOURCE = "#include <vector>\nint sum(const std::vector<int>& v) { int s = 0; for (int x : v) s += x; return s; }\n";
  static LoopbackCluster cluster;
  static NodeProcess a;
  static NodeProcess b;
  static NodeProcess servant;
  static Path work;
  static Path links;
  static Path slowDir;
  static Path started;

  @BeforeAll
  static void start() throws Exception {
    work = E2e.work("sharing");
    links = E2e.symlinks(work);
    slowDir = Files.createDirectories(work.resolve("slow-compiler"));
    started = work.resolve("remote-compile-started");
    Path slow = slowDir.resolve("g++");
    Files.writeString(slow, "#!/bin/sh\ncase \" $* \" in *\" -fpreprocessed \"*|*\"-cpp-output\"*) "
        + "touch \"$VXCC_TEST_STARTED\"; sleep 8;; esac\nexec /usr/bin/g++ \"$@\"\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    // The stand-in recognises a servant's run by its preprocessed input: keep both delegates on the text path.
    a = cluster.start("daemon", textPath(LoopbackCluster.config("node-a", 0)));
    b = cluster.start("daemon", textPath(LoopbackCluster.config("node-b", 0)));
    JsonObject conf = LoopbackCluster.config("node-s", 4);
    conf.getJsonObject("daemon").put("extraCompilerDirs", new JsonArray().add(slowDir.toString()));
    // The stand-in lives in a private test directory: run it as ourselves, even as root (CI).
    conf.getJsonObject("daemon").put("servantUser", "").put("servantAllowRoot", true);
    servant = cluster.startWithEnv("daemon", conf, Map.of("VXCC_TEST_STARTED", started.toString()));
    E2e.awaitCompilerInCluster(a.localApi(), slow);
    E2e.awaitCompilerInCluster(b.localApi(), slow);
  }

  static JsonObject textPath(JsonObject conf) {
    conf.getJsonObject("daemon").put("sourceTreeFirst", false);
    return conf;
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Commands.Async compile(NodeProcess daemon, String source, String object) throws Exception {
    Map<String, String> env = E2e.env(links, daemon.localApi());
    env.put("PATH", links + ":" + slowDir + ":" + System.getenv("PATH"));
    return Commands.start(work, env, E2e.onPath("g++", "-O2", "-c", source, "-o", object));
  }

  static long servantRuns() throws Exception {
    return E2e.stats(servant.localApi()).getJsonObject("servant").getLong("tasksRunEver");
  }

  static byte[] direct(String source) throws Exception {
    Commands.run(work, Map.of(), 60, List.of("/usr/bin/g++", "-O2", "-c", source, "-o", source + ".direct.o")).orFail("direct compile");
    return Files.readAllBytes(work.resolve(source + ".direct.o"));
  }

  /** Polls a daemon's counters (no cross-process event to await), with a bound. */
  static void awaitStats(NodeProcess daemon, Predicate<JsonObject> condition, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.test(E2e.stats(daemon.localApi()))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting until " + what);
  }

  /** Earlier tests' tasks linger in the views for a heartbeat or two; start from a clean slate. */
  static void awaitQuietCluster() throws Exception {
    awaitStats(b, s -> s.getInteger("clusterRunningTasks", 0) == 0, "no task runs in the cluster");
    Files.deleteIfExists(started);
  }

  @Test
  void tenWrappersOnOneDaemonCompileTheSameFileOnce() throws Exception {
    Files.writeString(work.resolve("same.cc"), SOURCE);
    long before = servantRuns();
    long sharedBefore = E2e.stats(a.localApi()).getLong("sharedLocal");
    List<Commands.Async> builds = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      builds.add(compile(a, "same.cc", "same" + i + ".o"));
    }
    for (Commands.Async build : builds) {
      build.await(120).orFail("one of ten identical compiles");
    }
    byte[] expected = direct("same.cc");
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(expected, Files.readAllBytes(work.resolve("same" + i + ".o")), "object " + i);
    }
    assertEquals(1, servantRuns() - before, "compiled once on the servant");
    assertEquals(9, E2e.stats(a.localApi()).getLong("sharedLocal") - sharedBefore);
  }

  @Test
  void aTaskRunningForOneDaemonIsJoinedByAnother() throws Exception {
    Files.writeString(work.resolve("two.cc"), SOURCE + "int two;\n");
    awaitQuietCluster();
    long before = servantRuns();
    Commands.Async first = compile(a, "two.cc", "two-a.o");
    awaitStats(b, s -> Files.exists(started) && s.getInteger("clusterRunningTasks", 0) > 0, "b sees the running task");
    Commands.Async second = compile(b, "two.cc", "two-b.o");
    second.await(120).orFail("compile on the joining daemon");
    first.await(120).orFail("compile on the first daemon");
    byte[] expected = direct("two.cc");
    assertArrayEquals(expected, Files.readAllBytes(work.resolve("two-a.o")));
    assertArrayEquals(expected, Files.readAllBytes(work.resolve("two-b.o")));
    assertEquals(1, servantRuns() - before, "compiled once");
    assertTrue(E2e.stats(b.localApi()).getLong("sharedRemote") >= 1);
  }

  @Test
  void aJoinedTaskSurvivesItsFirstSubmitterDying() throws Exception {
    Files.writeString(work.resolve("three.cc"), SOURCE + "int three;\n");
    awaitQuietCluster();
    long before = servantRuns();
    long joinedBefore = E2e.stats(b.localApi()).getLong("sharedRemote");
    Commands.Async first = compile(a, "three.cc", "three-a.o");
    awaitStats(b, s -> Files.exists(started) && s.getInteger("clusterRunningTasks", 0) > 0, "b sees the running task");
    Commands.Async second = compile(b, "three.cc", "three-b.o");
    awaitStats(b, s -> s.getLong("sharedRemote") > joinedBefore, "b joined the task");
    first.kill();
    second.await(120).orFail("compile whose first submitter died");
    assertArrayEquals(direct("three.cc"), Files.readAllBytes(work.resolve("three-b.o")));
    assertEquals(1, servantRuns() - before, "not restarted, not compiled twice");
  }
}
