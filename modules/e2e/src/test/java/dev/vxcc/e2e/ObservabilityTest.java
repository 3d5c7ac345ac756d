package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import dev.vxcc.testkit.Sources;
import dev.vxcc.testkit.Toolchains;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Metrics, health and the dashboard of a loopback cluster of separate JVMs (a scheduler+cache node whose
 * daemon submits but does not serve, two serving daemons) while a real project (Debian's ninja-build) builds through it:
 * every node's /metrics moves, the dashboard in headless Chromium shows the servants, the running
 * tasks and the charts, a killed servant leaves it, and /health turns 503 when the scheduler is gone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityTest {
  static LoopbackCluster cluster;
  static NodeProcess scheduler;
  static NodeProcess submitter;
  static NodeProcess servantB;
  static NodeProcess servantC;
  static Path work;
  static DashboardBrowser browser;

  @BeforeAll
  static void startCluster() throws Exception {
    work = E2e.work("observability");
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    JsonObject sched = LoopbackCluster.cacheConfig(Files.createDirectories(work.resolve("cache")), 64 << 20);
    sched.getJsonObject("daemon").put("host", "node-a").put("maxRemoteTasks", 0);
    // A chart point a second instead of every ten: the build is short.
    sched.getJsonObject("node").put("dashboardSampleMs", 1000);
    // Three JVMs, not four: the submitter shares the scheduler's (each role's meters are still its own).
    scheduler = cluster.start("scheduler,cache,daemon", sched);
    submitter = scheduler;
    servantB = cluster.start("daemon", LoopbackCluster.config("node-b", 2));
    servantC = cluster.start("daemon", LoopbackCluster.config("node-c", 2));
    E2e.awaitServantAt(submitter.localApi(), servantB.info("serving"));
    E2e.awaitServantAt(submitter.localApi(), servantC.info("serving"));
    browser = DashboardBrowser.startIfInstalled();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** ninja-build's ~30 objects at -O2 through two 2-slot servants: ~40 s on a quiet 2-core machine. */
  private static final long BUILD_SECONDS = 600;

  @Test
  @Order(1)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void everyNodesMetricsMoveAndTheDashboardFollowsDuringABuild() throws Exception {
    Scrape daemonBefore = Scrape.get(submitter.info("metrics"), "/metrics");
    Scrape servantBefore = Scrape.get(servantB.info("metrics"), "/metrics");
    Scrape schedBefore = Scrape.get(scheduler.info("metrics"), "/metrics");
    assertEquals(200, daemonBefore.status());
    if (browser != null) {
      browser.open("http://" + scheduler.info("metrics") + "/dashboard/");
    }

    Path src = Sources.debian("ninja-build");
    Path symlinks = E2e.symlinks(work);
    Path build = work.resolve("build");
    Map<String, String> env = E2e.env(symlinks, submitter.localApi());
    Commands.run(work, env, 300, List.of("cmake", "-S", src.toString(), "-B", build.toString(), "-DCMAKE_BUILD_TYPE=None",
        "-DCMAKE_CXX_FLAGS=-O2", "-DCMAKE_CXX_COMPILER=" + symlinks.resolve("g++"))).orFail("cmake (through vxcc)");
    Commands.Async make = Commands.start(build, env, List.of("make", "-j8", "ninja"));

    // While it builds: the submitter's counters move, and the dashboard shows tasks on the servants.
    // Bounded like the build: a build that stalls fails here with what the nodes were doing.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUILD_SECONDS);
    boolean movedDuringBuild = false;
    boolean tasksShown = false;
    while (make.alive() && System.nanoTime() < deadline) {
      Scrape now = Scrape.get(submitter.info("metrics"), "/metrics");
      movedDuringBuild |= now.sum("vxcc_daemon_tasks_total", "outcome=\"remote\"")
          > daemonBefore.sum("vxcc_daemon_tasks_total", "outcome=\"remote\"");
      tasksShown |= browser != null && browser.count("#running tr.task") > 0;
      if (movedDuringBuild && (browser == null || tasksShown)) {
        break;
      }
      Thread.sleep(250);
    }
    long left = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
    if (!make.awaitExit(TimeUnit.SECONDS.toMillis(left))) {
      make.kill();
      throw new AssertionError("the build through vxcc did not end within " + BUILD_SECONDS + " s; the submitter's stats: "
          + E2e.stats(submitter.localApi()).encode() + "\n" + cluster.nodes().stream()
              .map(n -> n.log() + ":\n" + NodeProcess.tail(n.log())).reduce("", (a, b) -> a + "\n" + b));
    }
    make.await(60).orFail("build through vxcc");
    assertTrue(movedDuringBuild || Scrape.get(submitter.info("metrics"), "/metrics").sum("vxcc_daemon_tasks_total", "outcome=\"remote\"")
        > daemonBefore.sum("vxcc_daemon_tasks_total", "outcome=\"remote\""), "no remote compile counted on the submitter");

    // After it: each role's own meters, and Vert.x's event-bus and gRPC (HTTP/2) meters.
    Scrape daemon = Scrape.get(submitter.info("metrics"), "/metrics");
    assertTrue(daemon.sum("vxcc_daemon_invocations_total") > daemonBefore.sum("vxcc_daemon_invocations_total"), daemon.body());
    assertTrue(daemon.sum("vxcc_daemon_grant_wait_seconds_count") > 0, "grant waits recorded");
    assertTrue(daemon.sum("vxcc_daemon_phase_seconds_count", "phase=\"remote\"") > 0, "remote phase recorded");
    assertTrue(daemon.sum("vxcc_daemon_local_total") > 0, "cmake's link and probe steps run locally, by reason");
    assertTrue(daemon.has("vxcc_daemon_remote_share"), "remote share gauge");
    assertTrue(daemon.sum("vertx_eventbus_sent_total") > daemonBefore.sum("vertx_eventbus_sent_total"), "event-bus meters");
    assertTrue(daemon.sum("vertx_http_client_requests_total") > 0, "gRPC client meters");
    awaitTrue(() -> {
      Scrape s = scrape(servantB);
      return s.sum("vxcc_servant_tasks_total") + scrape(servantC).sum("vxcc_servant_tasks_total")
          > servantBefore.sum("vxcc_servant_tasks_total") && s.has("vxcc_servant_slots") && s.sum("vertx_http_server_requests_total") > 0;
    }, "the servants' task counters and gRPC server meters moved");
    awaitTrue(() -> {
      Scrape s = scrape(scheduler);
      // Not the cache's misses: daemons skip keys their copy of the cache's bloom filter rules out.
      return s.sum("vxcc_cache_puts_total") > schedBefore.sum("vxcc_cache_puts_total")
          && s.sum("vxcc_scheduler_servants") >= 2 && s.has("vxcc_scheduler_slots");
    }, "the cache's puts moved and the scheduler counts its servants");

    Toolchains.require(browser != null, "chromium and chromium-driver (apt-get install chromium chromium-driver) for the dashboard");
    assertTrue(tasksShown, "the dashboard never showed a running task during the build");
    List<String> shown = browser.attributes("#servants .servant", "data-location");
    assertTrue(shown.containsAll(List.of(servantB.info("serving"), servantC.info("serving"))), "servants shown: " + shown);
    // The hit-ratio chart gets points only from sampling windows with cache lookups, and a cold
    // cache's misses are mostly ruled out by the daemons' bloom filters without a lookup: it must
    // be drawn (axes), the remote share must have points.
    awaitTrue(() -> browser.count("#chart-remote circle") > 0 && browser.count("#chart-cache line") > 0,
        "the remote-share chart drew points and the cache-hit chart was drawn");
    assertTrue(browser.text("#compilers").contains("g++"), "compilers: " + browser.text("#compilers"));
    assertTrue(browser.count("#fallbacks li.fallback") > 0, "cmake's local steps are listed as recent fallbacks");
    browser.screenshot(work.resolve("dashboard.png"));
    // DASHBOARD_SCREENSHOT=docs/dashboard.png refreshes the README's picture from a real run.
    String keep = System.getenv("DASHBOARD_SCREENSHOT");
    if (keep != null && !keep.isEmpty()) {
      Files.copy(work.resolve("dashboard.png"), Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  @Order(2)
  void aKilledServantLeavesTheDashboardAndTheSchedulersCount() throws Exception {
    String gone = servantC.info("serving");
    double before = scrape(scheduler).sum("vxcc_scheduler_servants");
    servantC.kill();
    awaitTrue(() -> scrape(scheduler).sum("vxcc_scheduler_servants") == before - 1, "the scheduler's servant gauge dropped by one");
    Toolchains.require(browser != null, "chromium and chromium-driver (apt-get install chromium chromium-driver) for the dashboard");
    awaitTrue(() -> !browser.attributes("#servants .servant", "data-location").contains(gone), "servant " + gone + " left the dashboard");
    assertTrue(browser.attributes("#servants .servant", "data-location").contains(servantB.info("serving")), "the other servant stays");
  }

  @Test
  @Order(3)
  void healthTurnsUnhealthyWhenTheSchedulerIsUnreachable() throws Exception {
    Scrape up = Scrape.get(servantB.info("metrics"), "/health");
    assertEquals(200, up.status(), up.body());
    scheduler.kill();
    awaitTrue(() -> Scrape.get(servantB.info("metrics"), "/health").status() == 503, "the daemon's /health turned 503");
    Scrape down = Scrape.get(servantB.info("metrics"), "/health");
    JsonObject body = new JsonObject(down.body());
    assertEquals("DOWN", body.getString("status"), down.body());
    assertTrue(body.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .anyMatch(c -> "scheduler".equals(c.getString("id")) && "DOWN".equals(c.getString("status"))), down.body());
  }

  private static Scrape scrape(NodeProcess node) throws Exception {
    return Scrape.get(node.info("metrics"), "/metrics");
  }

  /** Across processes there is no event to await: polls, with a bound. */
  private static void awaitTrue(ThrowingCondition c, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (c.holds()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(what + ": not within 60 s");
  }

  @FunctionalInterface
  interface ThrowingCondition {
    boolean holds() throws Exception;
  }
}
