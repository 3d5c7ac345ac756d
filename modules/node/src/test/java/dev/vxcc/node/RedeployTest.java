package dev.vxcc.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.ServantHeartbeat;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node's scheduler replaced over the admin socket and by an edited -conf file: the new
 * configuration is in force afterwards (a servant token it did not accept before), and one that
 * does not validate is refused while the old one keeps serving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedeployTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private RoleDeployments roles;
  private AdminEndpoint admin;

  private static JsonObject config(String servantToken) {
    return new JsonObject().put("scheduler", new JsonObject().put("userTokens", List.of("user-1"))
        .put("servantTokens", List.of(servantToken)).put("maxWaitMs", 2000));
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    roles = new RoleDeployments(vertx, false, 5_000);
    roles.deploy(List.of("scheduler"), config("servant-1")).await(30, TimeUnit.SECONDS);
    admin = new AdminEndpoint(vertx, dir.resolve("admin/admin.sock"), roles, user -> user);
    admin.start().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    admin.stop().await(10, TimeUnit.SECONDS);
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  private boolean heartbeatAccepted(String token) throws Exception {
    ServantHeartbeat hb = new ServantHeartbeat(token, "s-1", "127.0.0.1:1", "h", 1000, 4, 4, 0, 1L << 34, 1L << 34,
        List.of("c"), false, "", List.of(), 5_000);
    return vertx.eventBus().request(Addresses.SCHEDULER_HEARTBEAT, hb.toJson(), new DeliveryOptions().setSendTimeout(5_000))
        .map(m -> true).otherwise(false).await(10, TimeUnit.SECONDS);
  }

  @Test
  void theAdminSocketRedeploysWithTheNewConfigurationAndRefusesAnInvalidOne() throws Exception {
    assertTrue(heartbeatAccepted("servant-1"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("admin/admin.sock"))));
    Set<String> before = Set.copyOf(vertx.deploymentIDs());

    String ok = Redeploy.post(dir.resolve("admin/admin.sock"), "/redeploy?role=scheduler", config("servant-2").encode());

    assertTrue(ok.startsWith("HTTP/1.0 200") || ok.startsWith("HTTP/1.1 200"), ok);
    assertNotEquals(before, Set.copyOf(vertx.deploymentIDs()), "a new scheduler instance");
    assertTrue(heartbeatAccepted("servant-2"), "the new configuration is in force");

    JsonObject invalid = config("servant-3");
    invalid.getJsonObject("scheduler").put("maxWaitMs", "soon");
    String refused = Redeploy.post(dir.resolve("admin/admin.sock"), "/redeploy?role=scheduler", invalid.encode());
    assertTrue(refused.contains(" 400 ") && refused.contains("invalid scheduler configuration"), refused);
    assertTrue(heartbeatAccepted("servant-2"), "the old configuration still serves");

    String unknown = Redeploy.post(dir.resolve("admin/admin.sock"), "/redeploy?role=cache", "");
    assertTrue(unknown.contains(" 400 ") && unknown.contains("does not run the cache role"), unknown);
  }

  @Test
  void anEditedConfFileRedeploysAndAnInvalidEditIsRefused() throws Exception {
    Path conf = dir.resolve("vxcc.json");
    Files.writeString(conf, config("servant-1").encode());
    ConfWatcher watcher = new ConfWatcher(vertx, conf, Files.readString(conf), roles, user -> user);
    watcher.start();
    try {
      JsonObject invalid = config("servant-9");
      invalid.getJsonObject("scheduler").put("servantTokens", "not-a-list");
      Files.writeString(conf, invalid.encode());
      assertTrue(eventually(() -> watcher.refused() == 1), "the invalid edit is refused");
      assertTrue(heartbeatAccepted("servant-1"), "the running configuration stays");
      Files.writeString(conf, config("servant-2").encode());
      assertTrue(eventually(() -> heartbeatAccepted("servant-2")), "the edit is in force");
      assertEquals("servant-2", roles.config().getJsonObject("scheduler").getJsonArray("servantTokens").getString(0));

      String before = roles.config().encode();
      Files.writeString(conf, "{ \"scheduler\": ");
      assertTrue(eventually(() -> watcher.refused() == 2), "a half-written file is refused");
      assertEquals(before, roles.config().encode());
      // A later valid edit still applies.
      Files.writeString(conf, config("servant-4").encode());
      assertTrue(eventually(() -> heartbeatAccepted("servant-4")));
    } finally {
      watcher.stop();
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  /** Polls on the watcher's own period, bounded: the file is re-read once a second. */
  private boolean eventually(Check c) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (c.ok()) {
        return true;
      }
      Promise<Void> p = Promise.promise();
      vertx.setTimer(200, t -> p.complete());
      p.future().await(5, TimeUnit.SECONDS);
    }
    return false;
  }
}
