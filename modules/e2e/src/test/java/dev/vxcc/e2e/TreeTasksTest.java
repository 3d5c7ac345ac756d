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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Source-tree tasks, the default path, when work is shared and when a servant dies (SharingTest
 * and FailureTest cover the preprocessed-text path): an identical compile from a second daemon
 * joins the running tree task and the servant compiles once; the only servant with the compiler
 * killed mid-task still leaves a successful build with the object a local compile gives. The
 * servant's compiler is a stand-in that sleeps first only inside the servant's sandbox, where it
 * runs in a pid namespace of its own (its pid is tiny), so tasks overlap for sure while the
 * dependency pass on the user's side stays quick.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TreeTasksTest {
  static final String SOURCE = "#include <vector>\nint sum(const std::vector<int>& v) { int s = 0; for (int x : v) s += x; return s; }\n";
  static LoopbackCluster cluster;
  static NodeProcess a;
  static NodeProcess b;
  static NodeProcess servant;
  static Path work;
  static Path links;
  static Path slowDir;

  @BeforeAll
  static void start() throws Exception {
    work = E2e.work("tree-tasks");
    links = E2e.symlinks(work);
    // Not below the work directory: a servant counts its compiler's top-level directory as a system
    // one and declines trees whose files live there (see the closing note); /tmp it never counts.
    slowDir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-tree-tasks-compiler");
    Path slow = slowDir.resolve("g++");
    Files.writeString(slow, "#!/bin/sh\n[ \"$$\" -lt 10 ] && sleep 15\nexec /usr/bin/g++ \"$@\"\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    a = cluster.start("daemon", LoopbackCluster.config("node-a", 0));
    b = cluster.start("daemon", LoopbackCluster.config("node-b", 0));
    JsonObject conf = LoopbackCluster.config("node-s", 4);
    conf.getJsonObject("daemon").put("extraCompilerDirs", new JsonArray().add(slowDir.toString()));
    // The stand-in lives in a private test directory: run it as ourselves, even as root (CI).
    conf.getJsonObject("daemon").put("servantUser", "").put("servantAllowRoot", true);
    servant = cluster.start("daemon", conf);
    E2e.awaitCompilerInCluster(a.localApi(), slow);
    E2e.awaitCompilerInCluster(b.localApi(), slow);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (slowDir != null) {
      Commands.run(Path.of("/"), Map.of(), 60, List.of("rm", "-rf", slowDir.toString()));
    }
  }

  static Commands.Async compile(NodeProcess daemon, String source, String object) throws Exception {
    Map<String, String> env = E2e.env(links, daemon.localApi());
    env.put("PATH", links + ":" + slowDir + ":" + System.getenv("PATH"));
    return Commands.start(work, env, E2e.onPath("g++", "-O2", "-c", source, "-o", object));
  }

  static byte[] direct(String source) throws Exception {
    Commands.run(work, Map.of(), 60, List.of("/usr/bin/g++", "-O2", "-c", source, "-o", source + ".direct.o")).orFail("direct compile");
    return Files.readAllBytes(work.resolve(source + ".direct.o"));
  }

  static long stat(NodeProcess daemon, String key) throws Exception {
    return E2e.stats(daemon.localApi()).getLong(key, 0L);
  }

  /** Until the daemon's view (refreshed once a second) shows a task running; no cross-process event to await. */
  static void awaitRunning(NodeProcess daemon, boolean running, String what) throws Exception {
    assertTrue(E2e.pollUntil(60_000, () -> (stat(daemon, "clusterRunningTasks") > 0) == running), what);
  }

  @Test
  @Order(1)
  void anIdenticalTreeTaskFromAnotherDaemonJoinsTheRunningOne() throws Exception {
    // A tree's key names the command line, outputs included: the same compile in the same place.
    Files.writeString(work.resolve("two.cc"), SOURCE + "int two;\n");
    awaitRunning(b, false, "no task left running in the cluster");
    long runs = E2e.stats(servant.localApi()).getJsonObject("servant").getLong("tasksRunEver");
    long treesA = stat(a, "sourceTree");
    long joinedB = stat(b, "sharedRemote");
    Commands.Async first = compile(a, "two.cc", "two.o");
    awaitRunning(b, true, "b sees a's tree task running");
    Commands.Async second = compile(b, "two.cc", "two.o");
    second.await(120).orFail("compile on the joining daemon");
    first.await(120).orFail("compile on the first daemon");
    assertArrayEquals(direct("two.cc"), Files.readAllBytes(work.resolve("two.o")));
    assertTrue(stat(a, "sourceTree") > treesA, "a sent its compile as a source tree");
    assertTrue(stat(b, "sharedRemote") > joinedB, "b joined a's task");
    assertEquals(1, E2e.stats(servant.localApi()).getJsonObject("servant").getLong("tasksRunEver") - runs, "compiled once on the servant");
  }

  @Test
  @Order(2)
  void theOnlyServantKilledMidTreeTaskStillGivesTheLocalObject() throws Exception {
    Files.writeString(work.resolve("k.cc"), SOURCE + "int killed;\n");
    awaitRunning(a, false, "no task left running in the cluster");
    long treesA = stat(a, "sourceTree");
    Commands.Async build = compile(a, "k.cc", "k.o");
    awaitRunning(a, true, "the tree task runs on the servant");
    servant.kill();
    Commands.Result r = build.await(120);
    r.orFail("compile whose servant was killed");
    assertArrayEquals(direct("k.cc"), Files.readAllBytes(work.resolve("k.o")));
    assertTrue(stat(a, "sourceTree") > treesA, "the compile went as a source tree");
  }
}
