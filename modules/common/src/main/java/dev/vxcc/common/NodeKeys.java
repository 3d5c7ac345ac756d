package dev.vxcc.common;

/** Keys of the node-local shared map where verticles publish facts the launcher prints (ports). */
public final class NodeKeys {
  private NodeKeys() {}

  public static final String MAP = "vxcc.node";
  /**
   * What a verticle leaves for the instance that replaces it in a hot redeploy (any objects; MAP
   * holds only the strings the launcher prints).
   */
  public static final String HANDOVER_MAP = "vxcc.handover";
  public static final String LOCAL_API = "local";
  /** Set while the local API's socket is held by a front that outlives redeploys of the delegate. */
  public static final String LOCAL_API_FRONT = "localFront";
  public static final String SERVING = "serving";
  public static final String SERVANT_ID = "servant";
  /** Name of this node's Micrometer registry ({@link dev.vxcc.common.metrics.Meters}); absent with metrics off. */
  public static final String METRICS_REGISTRY = "metricsRegistry";
}
