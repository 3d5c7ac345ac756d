package dev.vxcc.node;

import dev.vxcc.cache.CacheConfig;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.local.LocalApiConfig;
import dev.vxcc.scheduler.SchedulerConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A configuration is checked by the roles' own parsers before any verticle is replaced with it. */
final class ConfigCheck {
  private ConfigCheck() {}

  /** @throws IllegalArgumentException naming the role and what is wrong */
  static void validate(JsonObject config, List<String> roles) {
    for (String role : roles) {
      try {
        switch (role) {
          case "scheduler" -> SchedulerConfig.fromJson(section(config, SchedulerConfig.SECTION));
          case "cache" -> CacheConfig.fromJson(section(config, CacheConfig.SECTION));
          case "daemon" -> {
            DaemonConfig.fromNodeConfig(config);
            LocalApiConfig.fromNodeConfig(config);
          }
          default -> throw new IllegalArgumentException("unknown role " + role);
        }
      } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
        throw new IllegalArgumentException("invalid " + role + " configuration: " + e.getMessage(), e);
      }
    }
  }

  private static JsonObject section(JsonObject config, String name) {
    Object v = config.getValue(name);
    if (v != null && !(v instanceof JsonObject)) {
      throw new IllegalArgumentException("\"" + name + "\" must be an object");
    }
    return v == null ? new JsonObject() : (JsonObject) v;
  }
}
