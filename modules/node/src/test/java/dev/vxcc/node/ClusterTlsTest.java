package dev.vxcc.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.net.ClusterCa;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes on loopback joined by Hazelcast under one cluster name. A peer that knows the name and a
 * user token, but holds no certificate from the cluster CA, joins Hazelcast and still gets
 * nothing over the event bus: no view (which carries the serving token), no grant, no messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTlsTest {
  private static final String USER = "user-token";
  private static final Path XML = Path.of("../../conf/cluster.xml");
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(3_000);

  private final String name = "vxcc-tls-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private final ClusterCa ca = ClusterCa.create("test cluster CA", Duration.ofDays(1));
  private final List<Integer> ports = new ArrayList<>();
  private Vertx scheduler;
  private Vertx peer;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static NodeTls issued(ClusterCa ca, String node) {
    ClusterCa.NodeCert c = ca.issue(node, List.of("127.0.0.1"), Duration.ofDays(1));
    return NodeTls.fromConfig(new JsonObject().put("ca", ca.certPem()).put("cert", c.certPem()).put("key", c.keyPem()));
  }

  private Vertx join(int index, NodeTls tls) throws Exception {
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    return await(Clustering.start(new VertxOptions(), XML, "127.0.0.1", ports.get(index), members, name, tls));
  }

  @BeforeAll
  void startScheduler() throws Exception {
    for (int i = 0; i < 2; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports.add(s.getLocalPort());
      }
    }
    scheduler = join(0, issued(ca, "scheduler"));
    JsonObject conf = new JsonObject().put("scheduler", new JsonObject()
        .put("userTokens", List.of(USER)).put("servantTokens", List.of("servant-token")));
    await(scheduler.deployVerticle(Roles.SCHEDULER, new DeploymentOptions().setConfig(conf)));
    await(scheduler.eventBus().consumer("test.echo", m -> m.reply(m.body())).completion());
  }

  @AfterEach
  void closePeer() throws Exception {
    if (peer != null) {
      // From the test thread, one node at a time (stack-notes §9.9).
      peer.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      peer = null;
    }
  }

  @AfterAll
  void closeScheduler() throws Exception {
    if (scheduler != null) {
      scheduler.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMemberWithACertificateFromTheClusterCaTalksBothWays() throws Exception {
    peer = join(1, issued(ca, "daemon"));
    await(peer.eventBus().consumer("test.peer", m -> m.reply("peer got " + m.body())).completion());
    assertEquals("hi", await(peer.eventBus().request("test.echo", "hi")).body());
    assertEquals("peer got hi", await(scheduler.eventBus().request("test.peer", "hi")).body());
    JsonObject view = await(peer.eventBus().<JsonObject>request(Addresses.SCHEDULER_VIEW, new JsonObject().put("token", USER))).body();
    assertNotNull(view);
  }

  /** Not about TLS, but it needs two real members: the scheduler learns of a node leaving from Hazelcast. */
  @Test
  void aServantWhoseNodeLeavesTheClusterIsDroppedBeforeItsLeaseRunsOut() throws Exception {
    peer = join(1, issued(ca, "servant"));
    String node = ((VertxInternal) peer).clusterManager().getNodeId();
    // The longest lease the scheduler allows: if the servant goes within it, membership removed it.
    ServantHeartbeat hb = new ServantHeartbeat("servant-token", "servant-1", "127.0.0.1:1", "peer-host", 1, 4, 4, 0,
        0, 0, List.of("any-compiler"), false, "", List.of(), 30_000, node);
    await(peer.eventBus().request(Addresses.SCHEDULER_HEARTBEAT, hb.toJson()));
    assertEquals(1, servantsSeenByScheduler());

    peer.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    peer = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (servantsSeenByScheduler() > 0 && System.nanoTime() < deadline) {
      await(Future.future(p -> scheduler.setTimer(100, t -> p.complete())));
    }
    assertEquals(0, servantsSeenByScheduler(), "dropped with its node, not after its 30 s lease");
  }

  private int servantsSeenByScheduler() throws Exception {
    return await(scheduler.eventBus().<JsonObject>request(Addresses.SCHEDULER_VIEW, new JsonObject()))
        .body().getJsonArray("servants").size();
  }

  @Test
  void aPlaintextMemberGetsNothing() throws Exception {
    peer = join(1, NodeTls.insecure());
    assertRefused();
  }

  @Test
  void aMemberWithACertificateFromAnotherCaGetsNothing() throws Exception {
    peer = join(1, issued(ClusterCa.create("attacker CA", Duration.ofDays(1)), "daemon"));
    assertRefused();
  }

  private void assertRefused() throws Exception {
    // It did join Hazelcast: it sees the other member, it just cannot reach it.
    assertEquals(2, ((VertxInternal) peer).clusterManager().getNodes().size());
    assertFails(peer.eventBus().request("test.echo", "hi", SHORT));
    assertFails(peer.eventBus().request(Addresses.SCHEDULER_VIEW, new JsonObject().put("token", USER), SHORT));
    GrantRequest grant = new GrantRequest(USER, "127.0.0.1", "any-compiler", 1, 0, 1_000, 10_000, 0);
    assertFails(peer.eventBus().request(Addresses.SCHEDULER_GRANT, grant.toJson(), SHORT));
    // Nor does anything sent by the cluster reach what it registers.
    List<Object> heard = new CopyOnWriteArrayList<>();
    await(peer.eventBus().consumer("test.peer", m -> heard.add(m.body())).completion());
    assertFails(scheduler.eventBus().request("test.peer", "secret", SHORT));
    assertEquals(List.of(), heard);
  }

  private static void assertFails(Future<? extends Message<?>> reply) {
    assertThrows(ExecutionException.class, () -> await(reply));
  }
}
