package dev.vxcc.node.observe;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The {@code node} section's keys for the observability server: where {@code /metrics},
 * {@code /health} and (on scheduler nodes) {@code /dashboard} listen, and who may see the dashboard.
 *
 * @param metricsPort -1 turns metrics, health and dashboard off (and Vert.x's metrics with them); 0 = any free port
 * @param dashboardToken when set, the dashboard wants it ({@code ?token=}); when empty, only loopback callers get it
 * @param dashboardSampleMs how often the dashboard's hour-long charts take a point
 * @param healthTimeoutMs how long a health check waits for the scheduler or the cache to answer
 * @param healthCache whether an unreachable cache makes this node unhealthy (off for clusters without a cache)
 */
public record ObservabilityConfig(String metricsHost, int metricsPort, String dashboardToken, long dashboardSampleMs,
    long healthTimeoutMs, boolean healthCache) {
  public static final String SECTION = "node";
  public static final int DEFAULT_PORT = 8339;
  /** An hour of chart points at the default sampling period. */
  public static final long DEFAULT_SAMPLE_MS = 10_000;

  public ObservabilityConfig {
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException("node.metricsPort must be -1 (off), 0 (any free port) or a port, not " + metricsPort);
    }
    if (dashboardSampleMs < 100) {
      throw new IllegalArgumentException("node.dashboardSampleMs must be at least 100, not " + dashboardSampleMs);
    }
    if (healthTimeoutMs < 1) {
      throw new IllegalArgumentException("node.healthTimeoutMs must be positive, not " + healthTimeoutMs);
    }
  }

  /** @throws IllegalArgumentException (or ClassCastException for a value of the wrong JSON type) */
  public static ObservabilityConfig fromNodeConfig(JsonObject config) {
    JsonObject j = config.getJsonObject(SECTION, new JsonObject());
    return new ObservabilityConfig(
        j.getString("metricsHost", "127.0.0.1"),
        j.getInteger("metricsPort", DEFAULT_PORT),
        j.getString("dashboardToken", ""),
        j.getLong("dashboardSampleMs", DEFAULT_SAMPLE_MS),
        j.getLong("healthTimeoutMs", 2_000L),
        j.getBoolean("healthCache", true));
  }

  public boolean enabled() {
    return metricsPort >= 0;
  }

  /** Whether the server listens on loopback only, where an empty dashboard token is acceptable. */
  public boolean loopbackOnly() {
    try {
      return InetAddress.getByName(metricsHost).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
