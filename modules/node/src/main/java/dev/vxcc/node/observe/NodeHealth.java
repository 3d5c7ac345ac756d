package dev.vxcc.node.observe;

import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.SchedulerBus;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.Set;

/**
 * What {@code /health} checks: that this node reaches a scheduler and (unless told otherwise) a cache
 * over the event bus, the way its roles reach them. Asked at each request, so the answer is never
 * older than one timeout; a scheduler that is gone turns the node unhealthy within it.
 */
final class NodeHealth {
  private NodeHealth() {}

  static HealthChecks create(Vertx vertx, ObservabilityConfig cfg, Set<String> roles) {
    HealthChecks checks = HealthChecks.create(vertx);
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(cfg.healthTimeoutMs());
    checks.register("scheduler", cfg.healthTimeoutMs() + 500, p -> ask(vertx, Addresses.SCHEDULER_VIEW, timeout, p,
        body -> new JsonObject().put("servants", body.getJsonArray("servants") == null ? 0 : body.getJsonArray("servants").size())));
    if (cfg.healthCache() && (roles.contains("daemon") || roles.contains("cache"))) {
      checks.register("cache", cfg.healthTimeoutMs() + 500, p -> ask(vertx, CacheAddresses.STATS, timeout, p,
          body -> new JsonObject().put("engine", body.getString("engine", ""))));
    }
    return checks;
  }

  private static void ask(Vertx vertx, String address, DeliveryOptions timeout, Promise<Status> p,
      java.util.function.Function<JsonObject, JsonObject> data) {
    // Through SchedulerBus: a standby scheduler's NOT_ACTIVE means ask the next one (no other role sends it).
    SchedulerBus.<JsonObject>request(vertx, address, new JsonObject(), timeout).onComplete(
        ok -> p.tryComplete(Status.OK(data.apply(ok.body() == null ? new JsonObject() : ok.body()))),
        err -> p.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(err.getMessage())))));
  }
}
