package dev.vxcc.node.observe;

import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.JsonBody;
import dev.vxcc.common.bus.SchedulerBus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler node's read-only dashboard: a static page under {@code /dashboard/} and its live feed,
 * {@code /dashboard/events} (server-sent events, one snapshot a second). Open to loopback callers, or
 * to whoever presents {@code node.dashboardToken}; with neither possible it refuses, and says why.
 */
final class DashboardRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);
  static final long PUSH_MS = 1_000;

  private final Vertx vertx;
  private final ObservabilityConfig cfg;
  private final String viewToken;
  private final DashboardModel model;
  private final Set<HttpServerResponse> listeners = new LinkedHashSet<>();
  private MessageConsumer<JsonObject> reports;
  private long pushTimer = -1;
  private long sampleTimer = -1;

  /** @param viewToken a scheduler user token, so the view lists running tasks ("" shows servants only) */
  DashboardRoutes(Vertx vertx, ObservabilityConfig cfg, String viewToken, InstantSource clock) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.viewToken = viewToken;
    this.model = new DashboardModel(clock);
    if (cfg.dashboardToken().isEmpty() && !cfg.loopbackOnly()) {
      LOG.warn("dashboard refused to everyone: node.metricsHost {} is not loopback and node.dashboardToken is empty",
          cfg.metricsHost());
    }
  }

  void mount(Router router) {
    router.route("/dashboard/*").handler(this::authorize);
    router.get("/dashboard/events").handler(this::events);
    // Without the slash the page's relative links would point one level up. (A plain "/dashboard" route
    // would also match "/dashboard/" and redirect forever.)
    router.getWithRegex("/dashboard").handler(ctx -> ctx.redirect("/dashboard/" + query(ctx)));
    router.get("/dashboard/*").handler(StaticHandler.create("dashboard").setCachingEnabled(false).setIndexPage("index.html"));
  }

  void start() {
    reports = vertx.eventBus().consumer(Addresses.DASHBOARD_DAEMON, m -> {
      if (m.body() != null) {
        model.daemonReport(m.body());
      }
    });
    pushTimer = vertx.setPeriodic(PUSH_MS, id -> refreshAndPush());
    sampleTimer = vertx.setPeriodic(cfg.dashboardSampleMs(), id -> model.sample());
  }

  void stop() {
    vertx.cancelTimer(pushTimer);
    vertx.cancelTimer(sampleTimer);
    if (reports != null) {
      reports.unregister();
    }
    // Ending a response runs its close handler, which edits the set.
    java.util.List.copyOf(listeners).forEach(HttpServerResponse::end);
    listeners.clear();
  }

  private void authorize(RoutingContext ctx) {
    String token = ctx.request().getParam("token", "");
    boolean ok;
    if (!cfg.dashboardToken().isEmpty()) {
      ok = MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), cfg.dashboardToken().getBytes(StandardCharsets.UTF_8));
    } else {
      ok = cfg.loopbackOnly() && ctx.request().remoteAddress() != null && isLoopback(ctx.request().remoteAddress().host());
    }
    if (ok) {
      ctx.next();
    } else {
      ctx.response().setStatusCode(403).putHeader("content-type", "text/plain").end(cfg.dashboardToken().isEmpty()
          ? "the dashboard is for loopback callers only; set node.dashboardToken to open it to others\n"
          : "wrong or missing dashboard token (?token=...)\n");
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
  }

  private static String query(RoutingContext ctx) {
    String q = ctx.request().query();
    return q == null || q.isEmpty() ? "" : "?" + q;
  }

  private void events(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    r.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
    listeners.add(r);
    r.closeHandler(v -> listeners.remove(r));
    r.exceptionHandler(e -> listeners.remove(r));
    push(r, model.snapshot());
  }

  private void refreshAndPush() {
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(PUSH_MS);
    SchedulerBus.request(vertx, Addresses.SCHEDULER_VIEW, new JsonObject().put("token", viewToken), timeout)
        .onSuccess(m -> model.view(ClusterView.fromJson(JsonBody.of(m))))
        .onFailure(e -> LOG.debug("dashboard: no scheduler view: {}", e.getMessage()))
        .eventually(() -> vertx.eventBus().<JsonObject>request(CacheAddresses.STATS, new JsonObject(), timeout)
            .onSuccess(m -> model.cacheStats(m.body()))
            .otherwiseEmpty())
        .onComplete(ar -> {
          if (!listeners.isEmpty()) {
            JsonObject snapshot = model.snapshot();
            listeners.forEach(r -> push(r, snapshot));
          }
        });
  }

  private static void push(HttpServerResponse r, JsonObject snapshot) {
    if (!r.writeQueueFull()) {
      r.write("data: " + snapshot.encode() + "\n\n");
    }
  }
}
