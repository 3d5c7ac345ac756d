package dev.vxcc.node;

import dev.vxcc.common.NodeSecrets;
import dev.vxcc.common.ops.Drain;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verticles this node runs, by role, and their hot redeploy: each verticle is asked to stop
 * taking work and finish what it has ({@link Drain}) before it is undeployed. Where two instances
 * can run side by side (a servant on an ephemeral port)
 * the new one starts first, so there is no moment without one. Redeploys run one at a time.
 */
final class RoleDeployments {
  private static final Logger LOG = LoggerFactory.getLogger(RoleDeployments.class);
  /** How long a draining verticle may take to finish its work in flight. */
  static final long DRAIN_BOUND_MS = 30_000;

  private record Deployed(String verticle, String id) {}

  private final Vertx vertx;
  private final boolean ha;
  private final long drainBoundMs;
  private final Map<String, List<Deployed>> byRole = new LinkedHashMap<>();
  private JsonObject config;
  private Future<?> queue = Future.succeededFuture();

  RoleDeployments(Vertx vertx, boolean ha, long drainBoundMs) {
    this.vertx = vertx;
    this.ha = ha;
    this.drainBoundMs = drainBoundMs;
  }

  /** Deploys the roles' verticles in order; fails on the first that does not start. */
  Future<Void> deploy(List<String> roles, JsonObject config) {
    this.config = config;
    NodeSecrets.share(vertx, config);
    Future<Void> chain = Future.succeededFuture();
    for (String role : roles) {
      for (String verticle : Roles.verticles(role)) {
        chain = chain.compose(v -> deployOne(verticle, config)
            .map(id -> {
              byRole.computeIfAbsent(role, r -> new ArrayList<>()).add(new Deployed(verticle, id));
              return null;
            }));
      }
    }
    return chain;
  }

  JsonObject config() {
    return config;
  }

  List<String> roles() {
    return List.copyOf(byRole.keySet());
  }

  /** The roles whose section differs between the running configuration and {@code next}. */
  List<String> changedRoles(JsonObject next) {
    return roles().stream().filter(r -> !Objects.equals(config.getValue(r), next.getValue(r))).toList();
  }

  /**
   * Replaces the verticles of {@code role} by new ones running {@code next}; completes with a
   * one-line account. Queued behind any redeploy still running.
   */
  Future<String> redeploy(String role, JsonObject next) {
    if (!byRole.containsKey(role)) {
      return Future.failedFuture(new IllegalArgumentException("this node does not run the " + role + " role (it runs " + roles() + ")"));
    }
    Future<String> done = queue.transform(ignored -> replaceAll(role, next));
    queue = done;
    return done;
  }

  private Future<String> replaceAll(String role, JsonObject next) {
    JsonObject previous = config;
    config = next;
    NodeSecrets.share(vertx, next);
    List<Deployed> old = byRole.get(role);
    List<Deployed> fresh = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Deployed d : old) {
      chain = chain.compose(v -> replace(d, next, previous).map(n -> {
        fresh.add(n);
        return null;
      }));
    }
    return chain.transform(ar -> {
      if (ar.succeeded()) {
        byRole.put(role, fresh);
        LOG.info("redeployed {} ({} verticles)", role, fresh.size());
        return Future.succeededFuture("redeployed " + role);
      }
      // What was replaced already runs the new configuration; the rest still runs the old one.
      List<Deployed> now = new ArrayList<>(fresh);
      now.addAll(old.subList(fresh.size(), old.size()));
      byRole.put(role, now);
      config = fresh.isEmpty() ? previous : next;
      NodeSecrets.share(vertx, config);
      LOG.warn("redeploy of {} failed: {}", role, ar.cause().getMessage());
      return Future.failedFuture(ar.cause());
    });
  }

  private Future<Deployed> replace(Deployed d, JsonObject next, JsonObject previous) {
    if (RedeployOrder.kept(d.verticle())) {
      LOG.info("{} keeps running ({})", d.verticle(), RedeployOrder.whyKept(d.verticle()));
      return Future.succeededFuture(d);
    }
    if (RedeployOrder.blueGreen(d.verticle(), next)) {
      return deployOne(d.verticle(), next)
          .compose(id -> retire(d).map(new Deployed(d.verticle(), id)));
    }
    // Gap: the old instance goes first (a fixed port, a singleton); should the new one not start,
    // the old configuration is tried again so that the role keeps running.
    return retire(d).compose(v -> deployOne(d.verticle(), next)
        .recover(e -> deployOne(d.verticle(), previous)
            .transform(ar -> {
              if (ar.succeeded()) {
                LOG.warn("{} did not start with the new configuration ({}); running it with the old one again", d.verticle(), e.getMessage());
              }
              return Future.<String>failedFuture(e);
            })))
        .map(id -> new Deployed(d.verticle(), id));
  }

  private Future<Void> retire(Deployed d) {
    return Drain.request(vertx, d.id(), drainBoundMs)
        .compose(said -> {
          LOG.info("{} ({}): {}", d.verticle(), d.id(), said);
          return vertx.undeploy(d.id());
        });
  }

  private Future<String> deployOne(String verticle, JsonObject config) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(NodeSecrets.withoutSecrets(config)).setHa(ha));
  }
}
