package dev.vxcc.common.metrics;

import dev.vxcc.common.NodeKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * The meter registry of this node's Vert.x, where every role records its meters. The launcher names
 * the registry per Vert.x instance (several nodes may share a JVM in tests) and leaves the name in
 * the node's shared map; with metrics off, or a verticle deployed by a test without a launcher, the
 * answer is a registry that records nothing, so roles never need to ask whether metrics are on.
 */
public final class Meters {
  private Meters() {}

  /** All meter names start with this, so a scrape tells ours from Vert.x's and the JVM's. */
  public static final String PREFIX = "vxcc_";

  public static MeterRegistry of(Vertx vertx) {
    Object name = vertx.sharedData().getLocalMap(NodeKeys.MAP).get(NodeKeys.METRICS_REGISTRY);
    MeterRegistry registry = name instanceof String n ? BackendRegistries.getNow(n) : null;
    return registry != null ? registry : new CompositeMeterRegistry();
  }
}
