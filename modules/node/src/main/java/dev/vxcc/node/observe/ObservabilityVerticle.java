package dev.vxcc.node.observe;

import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.NodeSecrets;
import dev.vxcc.common.util.ListenFailure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's observability server: {@code /metrics} (Prometheus text from this node's registry),
 * {@code /health} (200 or 503, see {@link NodeHealth}) and, on a node running the scheduler, the
 * dashboard. One per node, never HA: it describes this JVM. Its config is the node's, plus
 * {@code roles} (the roles this node runs) and {@code metricsRegistry} (the registry's name).
 */
public final class ObservabilityVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ObservabilityVerticle.class);
  public static final String NODE_KEY = "metrics";

  private HttpServer server;
  private DashboardRoutes dashboard;
  private String published;

  @Override
  public Future<?> start() {
    ObservabilityConfig cfg;
    JsonObject config = NodeSecrets.complete(vertx, config());
    Set<String> roles = new HashSet<>();
    try {
      cfg = ObservabilityConfig.fromNodeConfig(config);
      config.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(r.toString()));
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid node config: " + e.getMessage(), e));
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(config.getString("metricsRegistry")));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(NodeHealth.create(vertx, cfg, roles)));
    if (roles.contains("scheduler")) {
      JsonArray userTokens = config.getJsonObject("scheduler", new JsonObject()).getJsonArray("userTokens", new JsonArray());
      dashboard = new DashboardRoutes(vertx, cfg, userTokens.isEmpty() ? "" : userTokens.getString(0), Clock.systemUTC());
      dashboard.mount(router);
    }
    String address = cfg.metricsHost() + ":" + cfg.metricsPort();
    // HTTP/1.1 only: scrapers, browsers and curl speak it, and a cleartext upgrade to HTTP/2 (which
    // Java's HttpClient asks for by default) now and then left such a client stuck on frames it could not parse.
    return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)).requestHandler(router).listen(cfg.metricsPort(), cfg.metricsHost())
        .recover(e -> Future.failedFuture(ListenFailure.of("metrics and health", address, "node.metricsPort", e)))
        .onSuccess(s -> {
          server = s;
          if (dashboard != null) {
            dashboard.start();
          }
          published = cfg.metricsHost() + ":" + s.actualPort();
          vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NODE_KEY, published);
          LOG.info("metrics at http://{}/metrics, health at /health{}", published, dashboard == null ? "" : ", dashboard at /dashboard/");
        });
  }

  @Override
  public Future<?> stop() {
    if (dashboard != null) {
      dashboard.stop();
    }
    if (published != null) {
      vertx.sharedData().getLocalMap(NodeKeys.MAP).remove(NODE_KEY, published);
    }
    return server == null ? Future.succeededFuture() : server.close();
  }
}
