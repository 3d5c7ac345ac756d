package dev.vxcc.node.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.metrics.MeterSet;
import dev.vxcc.common.metrics.Meters;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The observability server in one Vert.x with metrics on, its scheduler and cache faked on the bus. */
class ObservabilityVerticleTest {
  private Vertx vertx;
  private HttpClient http;
  private NodeObservability observability;

  private static JsonObject config(String roles, JsonObject node) {
    return new JsonObject().put("node", node.put("metricsPort", 0).put("healthTimeoutMs", 300))
        .put("scheduler", new JsonObject().put("userTokens", new JsonArray().add("user-token")));
  }

  private String start(String roles, JsonObject node) throws Exception {
    JsonObject cfg = config(roles, node);
    observability = new NodeObservability(cfg, cfg);
    vertx = Vertx.vertx(observability.applyTo(new VertxOptions()));
    observability.share(vertx);
    http = vertx.createHttpClient();
    observability.deploy(vertx, cfg, List.of(roles.split(","))).await(20, TimeUnit.SECONDS);
    return (String) vertx.sharedData().getLocalMap(NodeKeys.MAP).get(ObservabilityVerticle.NODE_KEY);
  }

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private record Reply(int status, String body) {}

  private Reply get(String node, String path) throws Exception {
    String[] hp = node.split(":");
    return http.request(HttpMethod.GET, Integer.parseInt(hp[1]), hp[0], path)
        .compose(r -> r.send().compose(res -> res.body().map(b -> new Reply(res.statusCode(), b.toString()))))
        .await(20, TimeUnit.SECONDS);
  }

  @Test
  void metricsShowTheRolesMetersAndVertxOwn() throws Exception {
    String node = start("daemon", new JsonObject());
    MeterSet roleMeters = new MeterSet(Meters.of(vertx));
    roleMeters.counter("test_things", "things counted by a role").increment(3);
    vertx.eventBus().consumer("some.address", m -> m.reply("ok"));
    vertx.eventBus().request("some.address", "hi").await(20, TimeUnit.SECONDS);
    Reply metrics = get(node, "/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("vxcc_test_things_total 3.0"), metrics.body());
    assertTrue(metrics.body().contains("vertx_eventbus_sent_total"), metrics.body());
    assertTrue(metrics.body().contains("jvm_memory_used_bytes"), metrics.body());
    roleMeters.close();
    String again = get(node, "/metrics").body();
    assertTrue(!again.contains("vxcc_test_things_total"), "a stopped role's meters leave with it");
    // The first scrape itself went through Vert.x's HTTP server and client (gRPC's transport).
    assertTrue(again.contains("vertx_http_server_requests_total") && again.contains("vertx_http_client_requests_total"), again);
  }

  @Test
  void healthIsDownWithoutSchedulerOrCacheAndUpWithThem() throws Exception {
    String node = start("daemon", new JsonObject());
    Reply down = get(node, "/health");
    assertEquals(503, down.status(), down.body());
    assertTrue(down.body().contains("\"scheduler\"") && down.body().contains("DOWN"), down.body());
    vertx.eventBus().consumer(Addresses.SCHEDULER_VIEW, m -> m.reply(new JsonObject().put("servants", new JsonArray())));
    Reply noCache = get(node, "/health");
    assertEquals(503, noCache.status(), "the cache is still missing: " + noCache.body());
    vertx.eventBus().consumer(CacheAddresses.STATS, m -> m.reply(new JsonObject().put("engine", "disk")));
    Reply up = get(node, "/health");
    assertEquals(200, up.status(), up.body());
  }

  @Test
  void healthIgnoresTheCacheWhenToldTo() throws Exception {
    String node = start("daemon", new JsonObject().put("healthCache", false));
    vertx.eventBus().consumer(Addresses.SCHEDULER_VIEW, m -> m.reply(new JsonObject()));
    assertEquals(200, get(node, "/health").status());
  }

  @Test
  void dashboardWantsItsTokenAndStreamsSnapshots() throws Exception {
    String node = start("scheduler", new JsonObject().put("dashboardToken", "s3cret"));
    vertx.eventBus().consumer(Addresses.SCHEDULER_VIEW, m -> m.reply(new JsonObject()
        .put("servants", new JsonArray().add(new JsonObject().put("location", "10.0.0.9:8335").put("capacity", 4).put("running", 1)))
        .put("runningTasks", new JsonArray())));
    assertEquals(403, get(node, "/dashboard/").status());
    assertEquals(403, get(node, "/dashboard/?token=wrong").status());
    Reply bare = get(node, "/dashboard?token=s3cret");
    assertEquals(302, bare.status(), "to the page's own directory");
    Reply page = get(node, "/dashboard/?token=s3cret");
    assertEquals(200, page.status());
    assertTrue(page.body().contains("vxcc cluster"), page.body());
    assertEquals(200, get(node, "/dashboard/dashboard.js?token=s3cret").status());
    assertEquals(403, get(node, "/dashboard/events").status());

    String[] hp = node.split(":");
    String first = http.request(HttpMethod.GET, Integer.parseInt(hp[1]), hp[0], "/dashboard/events?token=s3cret")
        .compose(r -> r.send())
        .compose(res -> {
          assertEquals("text/event-stream", res.getHeader("content-type"));
          return firstEventWith(res, "10.0.0.9:8335");
        })
        .await(20, TimeUnit.SECONDS);
    JsonObject snapshot = new JsonObject(first.substring("data: ".length()).trim());
    assertEquals(4, snapshot.getJsonArray("servants").getJsonObject(0).getInteger("capacity"));
  }

  /** The first pushed event that mentions text (the first push may come before the first view). */
  private static io.vertx.core.Future<String> firstEventWith(HttpClientResponse res, String text) {
    io.vertx.core.Promise<String> found = io.vertx.core.Promise.promise();
    StringBuilder pending = new StringBuilder();
    res.handler((Buffer b) -> {
      pending.append(b.toString());
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String event = pending.substring(0, end);
        pending.delete(0, end + 2);
        if (event.contains(text)) {
          found.tryComplete(event);
        }
      }
    });
    return found.future();
  }

  @Test
  void offMeansNoServerAndNoRegistry() throws Exception {
    JsonObject cfg = new JsonObject().put("node", new JsonObject().put("metricsPort", -1));
    observability = new NodeObservability(cfg, cfg);
    vertx = Vertx.vertx(observability.applyTo(new VertxOptions()));
    observability.share(vertx);
    observability.deploy(vertx, cfg, List.of("daemon")).await(20, TimeUnit.SECONDS);
    assertEquals(null, vertx.sharedData().getLocalMap(NodeKeys.MAP).get(ObservabilityVerticle.NODE_KEY));
    // Roles still get a registry to record into; it records nothing.
    new MeterSet(Meters.of(vertx)).counter("x", "x").increment();
  }
}
