package dev.vxcc.common.bus;

/** Every event-bus address of the cluster, in one place. */
public final class Addresses {
  private Addresses() {}

  /** Servant to scheduler, once a second: {@link ServantHeartbeat} in, {@link HeartbeatReply} out. */
  public static final String SCHEDULER_HEARTBEAT = "vxcc.scheduler.heartbeat";
  /** Delegate to scheduler: {@link GrantRequest} in, {@link GrantReply} out; may wait up to its wait bound. */
  public static final String SCHEDULER_GRANT = "vxcc.scheduler.grant";
  /** Delegate to scheduler: {@link KeepAliveRequest} in, {@link KeepAliveReply} out. */
  public static final String SCHEDULER_KEEP_ALIVE = "vxcc.scheduler.keep-alive";
  /** Delegate to scheduler: {@link FreeRequest} in, empty reply. */
  public static final String SCHEDULER_FREE = "vxcc.scheduler.free";
  /** Anyone to scheduler: empty in, {@link ClusterView} out (servants, running tasks). */
  public static final String SCHEDULER_VIEW = "vxcc.scheduler.view";
  /**
   * Delegate to scheduler: {@link UnreachableReport} in, empty reply. The servant is granted no more
   * until its next heartbeat; schedulers older than this address simply have no consumer for it.
   */
  public static final String SCHEDULER_SERVANT_UNREACHABLE = "vxcc.scheduler.servant-unreachable";

  /**
   * Daemon to anyone, published every second: its counters, recent local fallbacks and compiler names,
   * for the scheduler node's dashboard. Nobody replies; without a dashboard nobody listens.
   */
  public static final String DASHBOARD_DAEMON = "vxcc.dashboard.daemon";
}
