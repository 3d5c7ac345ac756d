package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.identity.CompilerIdentity;
import dev.vxcc.daemon.servant.ServantVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node with its own servant (as {@code vxcc-node run all} deploys it), a scripted scheduler and
 * a stand-in compiler: when the cluster's only servant for the compiler is this node's, a task
 * compiles in place (no grant, no gRPC) and its result still goes to the cache; with any other
 * servant it goes through the scheduler as before.
 */
class InPlaceVerticleTest {
  private static Path dir;
  private static Vertx vertx;
  private static StandInCompiler cc;
  private static FakeScheduler scheduler;
  private static String self;
  /** Another servant in the view, where nothing listens: grants never go there in these tests. */
  private static String other;

  private String delegate;
  private Path cwd;

  @BeforeAll
  static void node() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-inplace");
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    cc = StandInCompiler.create(dir);
    cc.plan("ok");
    scheduler = new FakeScheduler(new CompilerIdentity(new FileDigestCache()).identity(cc.path));
    vertx.deployVerticle(scheduler).await(30, TimeUnit.SECONDS);
    ServantVerticle servant = new ServantVerticle(extra -> List.of(cc.path.getParent()));
    // One slot, as the 40 % rule gives a 2-core machine: in place is not bounded by it.
    JsonObject daemon = new JsonObject().put("token", "t").put("host", "self").put("servingPort", 0)
        .put("maxRemoteTasks", 1).put("tempDir", Files.createDirectories(dir.resolve("servant-self")).toString())
        .put("servantUser", "").put("servantAllowRoot", true).put("heartbeatMs", 100);
    vertx.deployVerticle(servant, new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon))).await(120, TimeUnit.SECONDS);
    self = servant.location();
    try (ServerSocket s = new ServerSocket(0)) {
      other = "127.0.0.1:" + s.getLocalPort();
    }
    scheduler.until(() -> scheduler.beats(self) >= 2).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    cc.killRunning();
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
  void stopDelegate() throws Exception {
    if (delegate != null) {
      vertx.undeploy(delegate).await(30, TimeUnit.SECONDS);
    }
    cc.killRunning();
  }

  private Wrapper delegate() throws Exception {
    Path socket = cwd.resolve("d.sock");
    JsonObject daemon = new JsonObject().put("token", "t").put("host", "self").put("localSocket", socket.toString())
        .put("maxLocalTasks", 1).put("maxRemoteTasks", 0).put("localMaxRequestBytes", 1 << 20);
    delegate = vertx.deployVerticle(new LocalApiVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon)))
        .await(30, TimeUnit.SECONDS);
    return new Wrapper(socket, cwd, cc.path);
  }

  /** A task to preprocess for, once the delegate has a cluster view. */
  private String task(Wrapper w) throws Exception {
    for (int i = 0; i < 10; i++) {
      int views = scheduler.views("t");
      scheduler.until(() -> scheduler.views("t") > 0).await(30, TimeUnit.SECONDS);
      Frames d = w.compile();
      if ("preprocess".equals(d.text("action"))) {
        return d.text("task");
      }
      assertEquals("scheduler-unreachable", d.text("reason", ""), "the only reason to compile locally here");
      scheduler.until(() -> scheduler.views("t") > views).await(30, TimeUnit.SECONDS);
    }
    throw new AssertionError("the delegate never offered to distribute");
  }

  private static long servantPhaseCount(Wrapper w, String phase) throws IOException {
    return w.stats().getJsonObject("servant").getJsonObject("phases").getJsonObject(phase).getLong("count");
  }

  @Test
  void aNodeThatIsItsClustersOnlyServantCompilesInPlaceAndStoresTheResult() throws Exception {
    scheduler.servants(self);
    Wrapper w = delegate();
    // The servant is the class's: count from here.
    long storedBefore = servantPhaseCount(w, "store");
    long mismatchesBefore = w.stats().getJsonObject("servant").getLong("keyMismatches");

    String object = Wrapper.object(w.finish(task(w), "int in_place(void) { return 1; }\n"));

    assertTrue(object.contains("/servant-self/"), "compiled by this node's servant: " + object);
    assertEquals(List.of(), scheduler.granted(), "no grant asked for");
    JsonObject stats = w.stats();
    assertEquals(1, stats.getLong("inPlace"));
    assertEquals(1, stats.getLong("remote"));
    assertEquals(1, stats.getJsonObject("phases").getJsonObject("compile").getLong("count"));
    // The clean result went down the servant's cache-fill path, and its key agreed with ours.
    StandInCompiler.until(vertx, () -> servantPhaseCount(w, "store") == storedBefore + 1).await(30, TimeUnit.SECONDS);
    assertEquals(mismatchesBefore, w.stats().getJsonObject("servant").getLong("keyMismatches"));
  }

  @Test
  void withAnotherServantForTheCompilerTheTaskGoesThroughTheScheduler() throws Exception {
    scheduler.servants(self, other);
    scheduler.grantOn(self);
    Wrapper w = delegate();

    String object = Wrapper.object(w.finish(task(w), "int remote(void) { return 2; }\n"));

    assertTrue(object.contains("/servant-self/"), object);
    assertEquals(1, scheduler.granted().size(), "one grant, on this node's servant over gRPC");
    assertEquals(self, scheduler.grant(0).location());
    assertEquals(0, w.stats().getLong("inPlace"));
    assertEquals(1, w.stats().getLong("remote"));
  }
}
