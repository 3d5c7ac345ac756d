package dev.vxcc.daemon.local;

import dev.vxcc.daemon.DaemonConstants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.testkit.Toolchains;
import dev.vxcc.daemon.identity.CompilerIdentity;
import dev.vxcc.daemon.servant.ServantVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One compile's way through the delegate when servants fail it, with the real local API and real
 * servants in one Vert.x, a scripted scheduler ({@link FakeScheduler}) and a stand-in compiler
 * ({@link StandInCompiler}). Each test asserts what the wrapper is told and what the scheduler saw.
 * The servants are shared by the class; every test has a delegate of its own, so nothing a
 * delegate learnt (penalties, shared runs) leaks into the next test.
 */
class DelegateFlowVerticleTest {
  private static final long LEASE_AS_IN_PRODUCTION = DaemonConstants.LEASE_LOST_AFTER_MS;

  private static Path dir;
  private static Vertx vertx;
  private static StandInCompiler cc;
  private static FakeScheduler scheduler;
  /**
   * Servant locations. a times compiles out after 5 minutes: the compiles that must hang run there.
   * b after 3 s: it takes the retries (whose compiles end at once) and the compile that times out.
   */
  private static String a;
  private static String b;
  /** Where nothing listens: a servant whose port refuses. */
  private static String dead;
  private static final ExecutorService callers = Executors.newCachedThreadPool();

  private final List<String> delegates = new ArrayList<>();
  private Path cwd;

  @BeforeAll
  static void cluster() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-flow");
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    cc = StandInCompiler.create(dir);
    cc.plan("ok");
    scheduler = new FakeScheduler(new CompilerIdentity(new FileDigestCache()).identity(cc.path));
    vertx.deployVerticle(scheduler).await(30, TimeUnit.SECONDS);
    // Only the stand-in's directory: probing every compiler on PATH would take most of the class's time.
    ServantVerticle servantA = new ServantVerticle(extra -> List.of(cc.path.getParent()));
    ServantVerticle servantB = new ServantVerticle(extra -> List.of(cc.path.getParent()));
    Future.all(deploy(servantA, "a", 300_000), deploy(servantB, "b", 3_000)).await(120, TimeUnit.SECONDS);
    a = servantA.location();
    b = servantB.location();
    scheduler.servants(a, b);
    try (ServerSocket s = new ServerSocket(0)) {
      dead = "127.0.0.1:" + s.getLocalPort();
    }
    // A servant accepts the serving token once a heartbeat was answered: the second beat follows that.
    scheduler.until(() -> scheduler.beats(a) >= 2 && scheduler.beats(b) >= 2).await(60, TimeUnit.SECONDS);
  }

  private static Future<String> deploy(ServantVerticle v, String name, long taskTimeoutMs) throws IOException {
    JsonObject daemon = new JsonObject().put("token", "t").put("host", "servant-" + name).put("servingPort", 0)
        .put("maxRemoteTasks", 4).put("tempDir", Files.createDirectories(dir.resolve("servant-" + name)).toString())
        .put("servantUser", "").put("servantAllowRoot", true).put("heartbeatMs", 100).put("taskTimeoutMs", taskTimeoutMs);
    return vertx.deployVerticle(v, new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon)));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cc.killRunning();
    callers.shutdownNow();
    vertx.close().await(30, TimeUnit.SECONDS);
    LocalApiFixture.deleteTree(dir);
  }

  @BeforeEach
  void fresh() throws IOException {
    scheduler.reset();
    cwd = Files.createTempDirectory(dir, "work");
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
  }

  @AfterEach
  void stopDelegates() throws Exception {
    for (String id : delegates) {
      vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    }
    cc.killRunning();
  }

  /** A delegate of this test's own, on a socket named after its token; on the preprocessed-text path unless settings say otherwise. */
  private Wrapper delegate(String token, JsonObject settings, long leaseLostAfterMs) throws Exception {
    Path socket = cwd.resolve(token + ".sock");
    JsonObject daemon = new JsonObject().put("token", token).put("host", "submitter").put("localSocket", socket.toString())
        .put("maxLocalTasks", 4).put("maxRemoteTasks", 0).put("localMaxRequestBytes", 1 << 20).put("sourceTreeFirst", false)
        .mergeIn(settings);
    delegates.add(vertx.deployVerticle(new LocalApiVerticle(leaseLostAfterMs), new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon)))
        .await(30, TimeUnit.SECONDS));
    return new Wrapper(socket, cwd, cc.path);
  }

  private Wrapper delegate() throws Exception {
    return delegate("t", new JsonObject(), LEASE_AS_IN_PRODUCTION);
  }

  private interface Caller {
    Frames compile(Frames.Builder request) throws IOException;
  }

  /** A task to preprocess for; until the delegate's first cluster view arrives it says "local", so ask again after each view. */
  private String task(String token, Caller caller) throws Exception {
    return preprocess(token, caller).text("task");
  }

  /** The first "preprocess" directive, as {@link #task(String, Caller)} waits for it. */
  private Frames preprocess(String token, Caller caller) throws Exception {
    for (int i = 0; i < 10; i++) {
      int views = scheduler.views(token);
      scheduler.until(() -> scheduler.views(token) > 0).await(30, TimeUnit.SECONDS);
      Frames d = caller.compile(Wrapper.compileRequest(cwd, cc.path));
      if ("preprocess".equals(d.text("action"))) {
        return d;
      }
      assertEquals("scheduler-unreachable", d.text("reason", ""), "the only reason to compile locally here");
      scheduler.until(() -> scheduler.views(token) > views).await(30, TimeUnit.SECONDS);
    }
    throw new AssertionError("the delegate never offered to distribute");
  }

  private String task(Wrapper w) throws Exception {
    return task("t", req -> w.post("/local/compile", req));
  }

  private static String source(String name) {
    return "int " + name + "(void) { return 42; }\n";
  }

  /** On a thread of its own: the common pool may have one thread only, and these calls block. */
  private static <T> CompletableFuture<T> later(Callable<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, callers);
  }

  private static Frames get(CompletableFuture<Frames> directive) throws Exception {
    return directive.get(60, TimeUnit.SECONDS);
  }

  private static List<String> locations(List<Grant> grants) {
    return grants.stream().map(Grant::location).toList();
  }

  private static void assertRanOn(String servant, String object) {
    assertTrue(object.contains("/servant-" + servant + "/"), "compiled on servant " + servant + ": " + object);
  }

  private static void assertLocal(String reason, Frames d) {
    assertEquals("local", d.text("action"));
    assertEquals(reason, d.text("reason"));
  }

  private void awaitFreed(long grantId) throws Exception {
    scheduler.until(() -> scheduler.freed().contains(grantId)).await(30, TimeUnit.SECONDS);
  }

  /**
   * A cancelled run's grant is not freed but left to lapse at the scheduler: another delegate may
   * have joined the run and still need the slot (Dispatcher.onGrant).
   */
  private static void assertLeftToLapse(long grantId) {
    assertFalse(scheduler.freed().contains(grantId), "grant " + grantId + " freed");
  }

  @Test
  void aServantThatRefusesTheTaskIsReplacedByAnother() throws Exception {
    Wrapper w = delegate();
    scheduler.grantOn(dead, b);
    cc.plan("ok");

    assertRanOn("b", Wrapper.object(w.finish(task(w), source("retried"))));
    assertEquals(List.of(dead, b), locations(scheduler.granted()));
    assertEquals(1, cc.calls());
    assertEquals(1, w.stats().getLong("retried"));
    // Counted as a repeat after a failure of ours, the only kind issue 11 allows.
    assertEquals(1, w.stats().getJsonObject("repeatedByReason").getLong("servant-retry"));
    assertEquals(1, w.stats().getLong("repeatedAfterOurFailures"));
    assertEquals(1.0, w.stats().getDouble("remoteShare"));
    // Neither slot stays taken at the scheduler: the refused one goes back at once.
    awaitFreed(scheduler.grant(0).grantId());
    awaitFreed(scheduler.grant(1).grantId());
  }

  @Test
  void aServantThatDiesMidBuildIsReportedAndTheRetryAndLaterTasksGoElsewhere() throws Exception {
    Wrapper w = delegate();
    CuttableProxy servantA = new CuttableProxy(vertx, Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)));
    // Listed first, so that the scheduler grants it as long as it does not know better.
    scheduler.servants(servantA.location(), b);
    try {
      cc.plan("ok");
      assertRanOn("a", Wrapper.object(w.finish(task(w), source("beforeDeath"))));

      servantA.die();
      for (int i = 0; i < 3; i++) {
        assertRanOn("b", Wrapper.object(w.finish(task(w), source("afterDeath" + i))));
      }

      assertEquals(0, w.stats().getLong("local"), "no compile fell back to local");
      assertEquals(1, w.stats().getLong("retried"), "only the task that met the dead servant was retried");
      scheduler.until(() -> scheduler.unreachable().contains(servantA.location())).await(30, TimeUnit.SECONDS);
      // Granted the dead servant once (nobody had told the scheduler yet), then never again.
      assertEquals(List.of(servantA.location(), servantA.location(), b, b, b), locations(scheduler.granted()));
      assertTrue(scheduler.exclusions().get(2).contains(servantA.location()), "the retry asked to skip it: " + scheduler.exclusions());
    } finally {
      scheduler.servants(a, b);
    }
  }

  @Test
  void aServantFailureWithNoRetriesLeftIsCompiledLocally() throws Exception {
    Wrapper w = delegate("t", new JsonObject().put("retries", 0), LEASE_AS_IN_PRODUCTION);
    scheduler.grantOn(dead);
    // Starts the count of calls over: the test before may have left some (method order is not fixed).
    cc.plan("ok");

    assertLocal("remote-failed", w.finish(task(w), source("noRetries")));
    assertEquals(List.of(dead), locations(scheduler.granted()));
    assertEquals(0, cc.calls());
    assertEquals(1, w.stats().getJsonObject("repeatedByReason").getLong("remote-failed"));
    assertEquals(0.0, w.stats().getDouble("remoteShare"));
  }

  @Test
  void aCompileErrorIsNotRetriedButShownByALocalCompileWhenSourceTreesAreOff() throws Exception {
    Wrapper w = delegate("t", new JsonObject().put("sourceTree", false), LEASE_AS_IN_PRODUCTION);
    scheduler.grantOn(a, b);
    cc.plan("fail");

    Frames d = w.finish(task(w), source("broken"));
    assertLocal("compile-error", d);
    assertTrue(d.text("note", "").contains("stand-in: error: refused"), d.text("note", ""));
    assertEquals(List.of(a), locations(scheduler.granted()));
    assertEquals(0, w.stats().getLong("retried"));
    // Compiled twice (remotely, then locally for the snippets), and not for a failure of ours.
    assertEquals(1, w.stats().getLong("repeated"));
    assertEquals(1, w.stats().getJsonObject("repeatedByReason").getLong("compile-error"));
    assertEquals(0, w.stats().getLong("repeatedAfterOurFailures"));
    awaitFreed(scheduler.grant(0).grantId());
  }

  @Test
  void aCompileErrorIsRedoneAsASourceTreeNotOnThisMachine() throws Exception {
    // The servants here run source trees (bwrap works), as their heartbeats say.
    Toolchains.require(java.nio.file.Files.isExecutable(Path.of("/usr/bin/bwrap")), "/usr/bin/bwrap (Debian package bubblewrap)");
    Wrapper w = delegate("tree", new JsonObject(), LEASE_AS_IN_PRODUCTION);
    scheduler.grantOn(a, b);
    cc.plan("fail");

    String first = task("tree", req -> w.post("/local/compile", req));
    Frames d = w.finish(first, source("brokenTree"));
    assertEquals("preprocess", d.text("action"), () -> d.text("action") + " " + d.text("reason", ""));
    assertTrue(d.texts("arg").contains("-M"), "the source tree's dependency pass: " + d.texts("arg"));
    assertNotEquals(first, d.text("task"), "under a task of its own");
    assertEquals(1, w.stats().getLong("printingToTree"));
    assertEquals(1, w.stats().getJsonObject("repeatedByReason").getLong("compile-error"));
    assertEquals(0, w.stats().getLong("local"), "nothing ran on this machine");
  }

  @Test
  void withSourceTreeFirstACompileGoesAsASourceTreeAtOnceAndAsTextWhenTheTreeCannotGo() throws Exception {
    Toolchains.require(java.nio.file.Files.isExecutable(Path.of("/usr/bin/bwrap")), "/usr/bin/bwrap (Debian package bubblewrap)");
    Wrapper w = delegate("first", new JsonObject().put("sourceTreeFirst", true), LEASE_AS_IN_PRODUCTION);
    scheduler.grantOn(a, b);
    cc.plan("ok");

    Frames tree = preprocess("first", req -> w.post("/local/compile", req));
    assertTrue(tree.texts("arg").contains("-M"), "the source tree's dependency pass from the start: " + tree.texts("arg"));
    assertEquals(0, w.stats().getLong("printingToTree"), "not because it printed before");

    // A file the dependency pass lists but nobody can read: the tree cannot go, the text can.
    Frames text = w.finish(tree.text("task"), "a.o: a.c " + cwd.resolve("gone.h") + "\n");
    assertEquals("preprocess", text.text("action"), () -> text.text("action") + " " + text.text("reason", ""));
    assertFalse(text.texts("arg").contains("-M"), "the preprocessed-text recipe: " + text.texts("arg"));
    assertEquals(1, w.stats().getLong("treeToText"));
    Frames d = w.finish(text.text("task"), source("asText"));
    assertRanOn("a", Wrapper.object(d));
    assertEquals(0, w.stats().getLong("repeated"), "the tree never compiled");
    assertEquals(0, w.stats().getLong("local"));
  }

  @Test
  void withSourceTreeFirstABaseDirKeepsThePreprocessedTextForKeysThatIgnoreTheCheckout() throws Exception {
    Toolchains.require(java.nio.file.Files.isExecutable(Path.of("/usr/bin/bwrap")), "/usr/bin/bwrap (Debian package bubblewrap)");
    Wrapper w = delegate("based", new JsonObject().put("sourceTreeFirst", true).put("baseDir", cwd.toString()), LEASE_AS_IN_PRODUCTION);
    scheduler.grantOn(a, b);

    Frames d = preprocess("based", req -> w.post("/local/compile", req));
    assertFalse(d.texts("arg").contains("-M"), "preprocessed text: " + d.texts("arg"));
  }

  @Test
  void aServantThatFailedIsPassedOverWhenItIsGrantedAgain() throws Exception {
    Wrapper w = delegate();
    scheduler.grantOn(dead, b, dead, b);
    cc.plan("ok");

    assertRanOn("b", Wrapper.object(w.finish(task(w), source("first"))));
    assertRanOn("b", Wrapper.object(w.finish(task(w), source("second"))));
    assertEquals(List.of(dead, b, dead, b), locations(scheduler.granted()));
    // The second grant on the failed servant was handed back untried: still only the first task retried.
    awaitFreed(scheduler.grant(2).grantId());
    assertEquals(1, w.stats().getLong("retried"));
    assertEquals(2, cc.calls());
  }

  @Test
  void aLeaseTheSchedulerNoLongerRenewsCancelsTheTask() throws Exception {
    // Longer than one keep-alive round (1 s), so that the scheduler is asked and says no before the delegate gives up.
    Wrapper w = delegate("t", new JsonObject(), 1_500);
    scheduler.refuseKeepAlive(true);
    scheduler.grantOn(a);
    cc.plan("hang");

    String task = task(w);
    CompletableFuture<Frames> directive = later(() -> w.finish(task, source("leaseLost")));
    StandInCompiler.Call compile = cc.started(vertx, 1);
    // The lease belongs to the shared run, not to the wrapper's task: its loss counts as a failed remote compile.
    assertLocal("remote-failed", get(directive));
    long grant = scheduler.grant(0).grantId();
    assertTrue(scheduler.keptAlive().contains(grant), "the delegate asked to renew " + grant);
    StandInCompiler.awaitExit(compile);
    assertEquals(1, scheduler.granted().size(), "a lost lease is not retried elsewhere");
    assertLeftToLapse(grant);
  }

  @Test
  void aServantThatStopsAnsweringWaitPollsIsGivenUpAfterTheTolerance() throws Exception {
    Wrapper w = delegate();
    CuttableProxy proxy = new CuttableProxy(vertx, Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)));
    scheduler.grantOn(proxy.location(), b);
    cc.plan("hang", "ok");

    String task = task(w);
    CompletableFuture<Frames> directive = later(() -> w.finish(task, source("unanswered")));
    assertRanOn("a", cc.started(vertx, 1).output());
    proxy.cut();
    assertRanOn("b", Wrapper.object(get(directive)));
    assertTrue(proxy.refused() >= DaemonConstants.WAIT_FAILURES_TOLERATED - 1, "polls tried again: " + proxy.refused());
    assertEquals(1, w.stats().getLong("retried"));
    awaitFreed(scheduler.grant(0).grantId());
  }

  @Test
  void aCompileThatOutlivesTheServantsTimeoutIsKilledAndRetried() throws Exception {
    Wrapper w = delegate();
    scheduler.grantOn(b, a);
    cc.plan("hang", "ok");

    assertRanOn("a", Wrapper.object(w.finish(task(w), source("timedOut"))));
    StandInCompiler.Call first = cc.started(vertx, 1);
    assertRanOn("b", first.output());
    StandInCompiler.awaitExit(first);
    assertEquals(1, w.stats().getLong("retried"));
  }

  @Test
  void aGrantTheSchedulerReportsExpiredHasItsCompileKilled() throws Exception {
    Wrapper w = delegate();
    scheduler.grantOn(a, b);
    cc.plan("hang", "ok");

    String task = task(w);
    CompletableFuture<Frames> directive = later(() -> w.finish(task, source("expired")));
    StandInCompiler.Call first = cc.started(vertx, 1);
    scheduler.expire(scheduler.grant(0).grantId());
    StandInCompiler.awaitExit(first);
    assertRanOn("b", Wrapper.object(get(directive)));
    assertEquals(1, w.stats().getLong("retried"));
  }

  @Test
  void aTaskPastTheDelegatesTimeoutIsCancelledAndCompiledLocally() throws Exception {
    Wrapper w = delegate("t", new JsonObject().put("taskTimeoutMs", 2_000), LEASE_AS_IN_PRODUCTION);
    scheduler.grantOn(a);
    cc.plan("hang");

    String task = task(w);
    assertLocal("cancelled", w.finish(task, source("tooLong")));
    // On a machine slow enough the task is given up before its compile even started; if it did start, it is stopped.
    if (cc.calls() > 0) {
      StandInCompiler.awaitExit(cc.started(vertx, 1));
    }
    assertTrue(scheduler.granted().size() <= 1, "not retried elsewhere");
    scheduler.granted().forEach(g -> assertLeftToLapse(g.grantId()));
  }

  @Test
  void aWrapperThatDiesHasItsRemoteCompileStopped() throws Exception {
    delegate();
    scheduler.grantOn(a);
    cc.plan("hang");
    try (LocalClient wrapper = new LocalClient(cwd.resolve("t.sock"))) {
      String task = task("t", req -> wrapper.post("/local/compile", req).frames());
      // The wrapper is killed while it waits: its answer never comes.
      later(() -> wrapper.post("/local/submit", Wrapper.submitRequest(task, source("orphaned"))));
      StandInCompiler.Call compile = cc.started(vertx, 1);
      long grant = scheduler.grant(0).grantId();
      scheduler.until(() -> scheduler.running(a).stream().anyMatch(t -> t.grantId() == grant)).await(30, TimeUnit.SECONDS);

      wrapper.kill();
      StandInCompiler.awaitExit(compile);
      scheduler.until(() -> scheduler.running(a).stream().noneMatch(t -> t.grantId() == grant)).await(30, TimeUnit.SECONDS);
      assertEquals(1, scheduler.granted().size(), "nobody is left to retry for");
      assertLeftToLapse(grant);
    }
  }

  @Test
  void identicalSubmissionsToOneDelegateShareOneCompile() throws Exception {
    Wrapper w = delegate();
    scheduler.grantOn(a);
    cc.plan("gate");

    String first = task(w);
    String second = task(w);
    CompletableFuture<Frames> one = later(() -> w.finish(first, source("twice")));
    cc.started(vertx, 1);
    CompletableFuture<Frames> two = later(() -> w.finish(second, source("twice")));
    StandInCompiler.until(vertx, () -> w.stats().getLong("sharedLocal") == 1).await(30, TimeUnit.SECONDS);
    cc.open();

    String object = Wrapper.object(get(one));
    assertRanOn("a", object);
    assertEquals(object, Wrapper.object(get(two)));
    assertEquals(1, cc.calls());
    assertEquals(1, scheduler.granted().size());
  }

  @Test
  void aTaskRunningForAnotherDelegateIsJoinedNotCompiledAgain() throws Exception {
    Wrapper first = delegate();
    Wrapper second = delegate("t2", new JsonObject(), LEASE_AS_IN_PRODUCTION);
    scheduler.shareRunningTasks(true);
    scheduler.grantOn(a);
    cc.plan("gate");

    String task = task(first);
    CompletableFuture<Frames> one = later(() -> first.finish(task, source("elsewhere")));
    cc.started(vertx, 1);
    long grant = scheduler.grant(0).grantId();
    scheduler.until(() -> scheduler.running(a).stream().anyMatch(t -> t.grantId() == grant)).await(30, TimeUnit.SECONDS);
    // Two views later the second delegate surely knows the running task.
    int views = scheduler.views("t2");
    scheduler.until(() -> scheduler.views("t2") >= views + 2).await(30, TimeUnit.SECONDS);
    String joining = task("t2", req -> second.post("/local/compile", req));
    CompletableFuture<Frames> two = later(() -> second.finish(joining, source("elsewhere")));
    StandInCompiler.until(vertx, () -> second.stats().getLong("sharedRemote") == 1).await(30, TimeUnit.SECONDS);
    cc.open();

    String object = Wrapper.object(get(one));
    assertEquals(object, Wrapper.object(get(two)));
    assertEquals(1, cc.calls());
    assertEquals(1, scheduler.granted().size(), "the joining delegate needs no grant of its own");
    awaitFreed(grant);
  }

  @Test
  void aStragglerIsDuplicatedOnAnotherServantAndTheFirstResultWins() throws Exception {
    // A short floor, so that a few quick compiles make the fourth a straggler within a second.
    Wrapper w = delegate("t", new JsonObject().put("hedgeMinMs", 300), LEASE_AS_IN_PRODUCTION);
    scheduler.grantOn(b, b, b, a, b);
    cc.plan("ok", "ok", "ok", "hang", "ok");
    for (int i = 0; i < 3; i++) {
      assertRanOn("b", Wrapper.object(w.finish(task(w), source("usual" + i))));
    }

    String task = task(w);
    CompletableFuture<Frames> directive = later(() -> w.finish(task, source("straggler")));
    StandInCompiler.Call stalled = cc.started(vertx, 4);
    assertRanOn("a", stalled.output());
    // The wrapper gets one object, the duplicate's.
    assertRanOn("b", Wrapper.object(get(directive)));
    // The straggler is killed on its servant and its slot goes back to the scheduler.
    StandInCompiler.awaitExit(stalled);
    awaitFreed(scheduler.grant(3).grantId());
    awaitFreed(scheduler.grant(4).grantId());
    assertEquals(5, cc.calls(), "the straggler and its duplicate, nothing more");
    assertEquals(1, w.stats().getLong("hedged"));
    assertEquals(1, w.stats().getLong("hedgesWon"));
    assertEquals(0, w.stats().getLong("retried"));
    assertEquals(0, w.stats().getLong("local"));
    assertTrue(scheduler.exclusions().getLast().contains(a), "the duplicate's grant request skips the slow servant: " + scheduler.exclusions());
  }

  @Test
  void aTaskOnAServantThatStoppedHeartbeatingIsDuplicatedWithoutWaitingForItsHistory() throws Exception {
    Wrapper w = delegate();
    scheduler.grantOn(a, b);
    cc.plan("hang", "ok");

    String task = task(w);
    CompletableFuture<Frames> directive = later(() -> w.finish(task, source("frozen")));
    StandInCompiler.Call stalled = cc.started(vertx, 1);
    assertRanOn("a", stalled.output());
    scheduler.silence(a);

    assertRanOn("b", Wrapper.object(get(directive)));
    StandInCompiler.awaitExit(stalled);
    awaitFreed(scheduler.grant(0).grantId());
    assertEquals(2, cc.calls());
    assertEquals(1, w.stats().getLong("hedgesWon"));
    assertEquals(0, w.stats().getLong("retried"));
  }
}
