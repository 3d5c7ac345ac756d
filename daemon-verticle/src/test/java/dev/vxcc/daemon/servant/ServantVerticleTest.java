package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.NodeKeys;
import dev.vxcc.testkit.Toolchains;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A root daemon never lends root to strangers unless told to. */
class ServantVerticleTest {
  @TempDir
  Path tmp;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private int servedSlots(JsonObject daemon) throws Exception {
    daemon.put("token", "t").put("servingPort", 0).put("maxRemoteTasks", 2).put("tempDir", tmp.toString())
        .put("extraCompilerDirs", new io.vertx.core.json.JsonArray());
    vertx.deployVerticle(new ServantVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon)))
        .await(60, TimeUnit.SECONDS);
    String id = (String) vertx.sharedData().getLocalMap(NodeKeys.MAP).get(NodeKeys.SERVANT_ID);
    JsonObject stats = (JsonObject) vertx.eventBus().request(dev.vxcc.daemon.DaemonConstants.SERVANT_STATS_ADDRESS_PREFIX + id, null)
        .await(30, TimeUnit.SECONDS).body();
    return stats.getInteger("maxTasks");
  }

  @Test
  void aRootServantWithoutAnUnprivilegedUserDoesNotServe() throws Exception {
    Toolchains.require(Sandbox.daemonUid() == 0, "a root daemon (only root can run compilers as root; .ci/run runs as root)");
    assertEquals(0, servedSlots(new JsonObject().put("servantUser", "")));
  }

  @Test
  void aRootServantServesWhenToldTo() throws Exception {
    Toolchains.require(Sandbox.daemonUid() == 0, "a root daemon (only root can run compilers as root; .ci/run runs as root)");
    assertEquals(2, servedSlots(new JsonObject().put("servantUser", "").put("servantAllowRoot", true)));
  }

  @Test
  void aServantWithAnUnprivilegedUserServes() throws Exception {
    assertEquals(2, servedSlots(new JsonObject().put("servantUser", "nobody")));
  }

  @Test
  void aServantUserThatIsRootCountsAsRoot() {
    Toolchains.require(Sandbox.daemonUid() == 0, "a root daemon (only root switches users; .ci/run runs as root)");
    ServantLimits l = ServantLimits.fromJson(new JsonObject().put("servantUser", "root"), 1000);
    assertTrue(Sandbox.resolve(l).compilersAsRoot());
    ServantLimits missing = ServantLimits.fromJson(new JsonObject().put("servantUser", "no-such-user-vxcc"), 1000);
    assertTrue(Sandbox.resolve(missing).compilersAsRoot());
  }
}
