package dev.vxcc.node.observe;

import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.util.ListenFailure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.Collection;
import java.util.UUID;

/**
 * The launcher's part of metrics: Vert.x's own meters (event bus, HTTP/gRPC servers and clients, pools,
 * JVM) switched on in a Prometheus registry named for this Vert.x, and the observability server
 * deployed once the roles are up.
 */
public final class NodeObservability {
  private final ObservabilityConfig cfg;
  private final boolean portChosen;
  private final String registryName = "vxcc-" + UUID.randomUUID();

  /**
   * @param config the node's merged configuration
   * @param user   what the user gave, to tell a port they chose from the default one
   * @throws IllegalArgumentException for a bad {@code node} section
   */
  public NodeObservability(JsonObject config, JsonObject user) {
    try {
      cfg = ObservabilityConfig.fromNodeConfig(config);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("invalid node config: " + e.getMessage());
    }
    portChosen = user.getValue(ObservabilityConfig.SECTION) instanceof JsonObject n && n.containsKey("metricsPort");
  }

  public VertxOptions applyTo(VertxOptions options) {
    if (cfg.enabled()) {
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setRegistryName(registryName).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }
    return options;
  }

  /** Before the roles deploy: they find the registry through the node's shared map. */
  public void share(Vertx vertx) {
    if (cfg.enabled()) {
      vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.METRICS_REGISTRY, registryName);
    }
  }

  /**
   * Starts the server. A port the user chose must be free; the default one may be taken by another
   * node on this machine, and then this node runs without (and says so) rather than not at all.
   */
  public Future<Void> deploy(Vertx vertx, JsonObject config, Collection<String> roles) {
    if (!cfg.enabled()) {
      return Future.succeededFuture();
    }
    JsonObject own = config.copy().put("roles", new JsonArray(roles.stream().toList())).put("metricsRegistry", registryName);
    return vertx.deployVerticle(new ObservabilityVerticle(), new DeploymentOptions().setConfig(own))
        .<Void>mapEmpty()
        .recover(e -> {
          if (!portChosen && ListenFailure.inUse(e)) {
            System.err.println("vxcc-node: no metrics, health or dashboard: port " + cfg.metricsPort() + " on "
                + cfg.metricsHost() + " is in use (another node?); set node.metricsPort (0 = any free port)");
            return Future.succeededFuture();
          }
          return Future.failedFuture(e);
        });
  }
}
