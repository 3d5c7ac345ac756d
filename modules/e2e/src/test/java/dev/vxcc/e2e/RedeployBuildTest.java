package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import dev.vxcc.testkit.Sources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Hot redeploy while a real project (Debian's ninja-build) builds through the cluster: the
 * scheduler, the cache, a servant's daemon and the submitting daemon (local API included) are each
 * replaced twice with `vxcc-node redeploy`, and the build neither fails nor falls back to local
 * because of it. Then the submitter's -watch-conf file is edited, once validly and once not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedeployBuildTest {
  static LoopbackCluster cluster;
  static NodeProcess central;
  static NodeProcess submitter;
  static NodeProcess servant;
  static Path work;
  static Path symlinks;

  @BeforeAll
  static void startCluster() throws Exception {
    work = E2e.work("redeploy");
    symlinks = E2e.symlinks(work);
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 3);
    central = cluster.start("scheduler,cache", LoopbackCluster.cacheConfig(work.resolve("cache"), 64L << 20));
    submitter = cluster.startWatchingConf("daemon", LoopbackCluster.config("node-a", 1));
    servant = cluster.start("daemon", LoopbackCluster.config("node-b", 3));
    E2e.awaitServantAt(submitter.localApi(), servant.info("serving"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void everyRoleRedeployedTwiceDuringABuildLosesNoCompile() throws Exception {
    Path src = Sources.debian("ninja-build");
    Path local = work.resolve("build-local");
    Path viaVxcc = work.resolve("build-vxcc");
    List<String> cmake = List.of("cmake", "-S", src.toString(), "-DCMAKE_BUILD_TYPE=None", "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG",
        "-DBUILD_TESTING=OFF");
    Commands.run(work, Map.of(), 300, concat(cmake, "-B", local.toString(), "-DCMAKE_CXX_COMPILER=/usr/bin/g++")).orFail("cmake (local)");
    Commands.run(local, Map.of(), 1200, List.of("make", "-j2")).orFail("local build");

    Map<String, String> env = E2e.env(symlinks, submitter.localApi());
    // -j4: as many compiles as the cluster has slots, so that none waits for one (cluster-busy) on a
    // loaded machine whatever the redeploys do. The shim says so on stderr whenever it compiles
    // locally because of us.
    env.put("VXCC_LOG_LEVEL", "debug");
    Commands.run(work, env, 300, concat(cmake, "-B", viaVxcc.toString(), "-DCMAKE_CXX_COMPILER=" + symlinks.resolve("g++")))
        .orFail("cmake (through vxcc)");
    JsonObject before = E2e.stats(submitter.localApi());
    CompletableFuture<Commands.Result> build = CompletableFuture.supplyAsync(() -> {
      try {
        return Commands.run(viaVxcc, env, 1200, List.of("make", "-j4"));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    awaitStats(s -> s.getLong("remote") > before.getLong("remote"), "the first remote compile");

    // Each role once, then each again: the first round is sure to meet the build in full swing.
    JsonObject servantConf = new JsonObject().put("daemon", new JsonObject().put("maxRemoteTasks", 5));
    List<String> redeploys = new ArrayList<>();
    int duringBuild = 0;
    for (int round = 0; round < 2; round++) {
      redeploy(0, "scheduler", null);
      redeploy(0, "cache", null);
      redeploy(2, "daemon", round == 1 ? servantConf : null);
      redeploy(1, "daemon", null);
      redeploys.add("round " + round + (build.isDone() ? " after the build ended" : " during the build"));
      duringBuild += build.isDone() ? 0 : 1;
    }
    Commands.Result done = build.get(20, TimeUnit.MINUTES).orFail("build through vxcc");
    assertTrue(duringBuild >= 1, "no redeploy round overlapped the build: " + redeploys);

    E2e.assertIdentical(E2e.objects(local), E2e.objects(viaVxcc), "build redeployed under load vs a local one");
    List<String> fallbacks = done.stderr().lines().filter(l -> l.contains("falling back to the local compiler")).toList();
    assertEquals(List.of(), fallbacks, "compiles the shim ran locally because vxcc failed");
    JsonObject s = E2e.stats(submitter.localApi());
    assertEquals(0L, s.getLong("remoteFailed"), s.encodePrettily());
    JsonObject reasons = s.getJsonObject("localByReason", new JsonObject());
    for (String reason : List.of("remote-failed", "cluster-busy", "cancelled")) {
      assertEquals(0L, reasons.getLong(reason, 0L), reason + ": " + s.encodePrettily());
    }
    assertTrue(s.getLong("remote") - before.getLong("remote") >= 10, "most compiles remote: " + s.encodePrettily());
    // The servant's new configuration, in the scheduler's view.
    awaitStats(v -> servantOf(v, "node-b").getInteger("maxTasks", 0) == 5, "node-b's servant with 5 slots");
  }

  @Test
  @Order(2)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aWatchedConfEditIsAppliedAndAnInvalidOneRefused() throws Exception {
    Path conf = cluster.confFile(1);
    JsonObject c = new JsonObject(Files.readString(conf));
    c.getJsonObject("daemon").put("maxRemoteTasks", 4);
    Files.writeString(conf, c.encodePrettily());
    awaitStats(v -> servantOf(v, "node-a").getInteger("maxTasks", 0) == 4, "node-a's servant with 4 slots after the edit");

    c.getJsonObject("daemon").put("maxRemoteTasks", "many");
    Files.writeString(conf, c.encodePrettily());
    awaitLog(submitter, "configuration change in " + conf + " refused");
    assertEquals(4, servantOf(E2e.stats(submitter.localApi()), "node-a").getInteger("maxTasks"), "the running configuration stays");

    Path dir = Files.createDirectories(work.resolve("after"));
    Files.writeString(dir.resolve("a.cc"), "int f(int x) { return x * 3; }\n");
    Commands.run(dir, E2e.env(symlinks, submitter.localApi()), 60, E2e.onPath("g++", "-O2", "-c", "a.cc", "-o", "a.o"))
        .orFail("a compile after the refused edit");
  }

  /**
   * The serving servant of the daemon on {@code host} in a daemon's copy of the scheduler's view, or
   * {} while it has none. A redeployed one is listed as leaving until the scheduler's next sweep.
   */
  private static JsonObject servantOf(JsonObject stats, String host) {
    for (Object o : stats.getJsonArray("cluster", new JsonArray())) {
      JsonObject s = (JsonObject) o;
      if (host.equals(s.getString("host")) && !"LEAVING".equals(s.getString("notAcceptingReason"))) {
        return s;
      }
    }
    return new JsonObject();
  }

  private static void redeploy(int node, String role, JsonObject conf) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(E2e.dist().resolve("bin/vxcc-node").toString(), "redeploy", role,
        "-admin-socket", cluster.adminSocket(node).toString()));
    if (conf != null) {
      // Merged over the node's running configuration: only what changes.
      cmd.addAll(List.of("-conf", conf.encode()));
    }
    Commands.run(work, Map.of(), 180, cmd).orFail("vxcc-node redeploy " + role + " on node " + node);
  }

  /** Polls the submitter's stats (no event crosses the process boundary), bounded. */
  private static void awaitStats(Predicate<JsonObject> ok, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    JsonObject last = null;
    while (System.currentTimeMillis() < deadline) {
      last = E2e.stats(submitter.localApi());
      if (ok.test(last)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(what + " not seen within 120 s; last stats: " + last);
  }

  private static void awaitLog(NodeProcess node, String text) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (Files.readString(node.log()).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("'" + text + "' not logged within 60 s:\n" + NodeProcess.tail(node.log()));
  }

  static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
