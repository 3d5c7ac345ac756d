package dev.vxcc.common;

/** Keys of the node-local shared map where verticles publish facts the launcher prints (ports). */
public final class NodeKeys {
  private NodeKeys() {}

  public static final String MAP = "vxcc.node";
  public static final String LOCAL_API = "local";
  public static final String SERVING = "serving";
  public static final String SERVANT_ID = "servant";
  /** Name of this node's Micrometer registry ({@link dev.vxcc.common.metrics.Meters}); absent with metrics off. */
  public static final String METRICS_REGISTRY = "metricsRegistry";
}
