package dev.vxcc.daemon;

/**
 * The daemon's fixed numbers, event-bus addresses and configuration section names, in one place
 * (the tunable ones are in {@link DaemonConfig}).
 */
public final class DaemonConstants {
  private DaemonConstants() {}

  // ---- delegate (local API, dispatch, leases) ----

  /**
   * One long-poll window, everywhere a wrapper or a delegate waits for a result: the wrapper's
   * /local/wait and /local/acquire, and the delegate's WaitTask on a servant.
   */
  public static final long LONG_POLL_MS = 10_000;
  /** The delegate's periodic chores (view refresh, lease renewal, dead wrappers, cache tick). */
  public static final long DELEGATE_TICK_MS = 1_000;
  /** After this long without a cluster view, compiles stay local instead of waiting on a dead scheduler. */
  public static final long VIEW_STALE_MS = 5_000;
  public static final long VIEW_REQUEST_TIMEOUT_MS = 2_000;
  /** How long the scheduler may hold a grant request open before answering with what it has. */
  public static final long SCHEDULER_WAIT_MS = 5_000;
  /** Event-bus calls that the scheduler answers at once (free, keep-alive). */
  public static final long SCHEDULER_CALL_TIMEOUT_MS = 5_000;
  /** The lease asked for with each grant. */
  public static final long GRANT_LEASE_MS = 15_000;
  /** A fetched grant is used only within this, leaving the scheduler's lease a safety margin. */
  public static final long GRANT_LOCAL_VALIDITY_MS = 10_000;
  /** Our own token may hold no more grants at the scheduler; retrying sooner would only hammer it. */
  public static final long GRANT_LIMIT_RETRY_MS = 1_000;
  /** After any other failed grant request: keeps a down scheduler from a busy loop. */
  public static final long GRANT_RETRY_MS = 100;
  /** The lease each keep-alive renews held grants for. */
  public static final long KEEP_ALIVE_LEASE_MS = 10_000;
  /** A held grant not renewed for this long is lost: its job is cancelled. */
  public static final long LEASE_LOST_AFTER_MS = 60_000;
  /** A servant that failed us is avoided this long, which covers its lease running out at the scheduler. */
  public static final long PENALTY_MS = 15_000;
  /** Grants on penalised servants handed straight back before one is used anyway. */
  public static final int PENALISED_GRANT_SKIPS = 3;
  /**
   * Penalised servants a grant request asks the scheduler to skip; below the scheduler's bound of 64,
   * and far more than fail at once in practice.
   */
  public static final int MAX_EXCLUDED_SERVANTS = 32;
  /** Beyond a servant's long-poll, before its WaitTask call counts as failed. */
  public static final long RPC_SLACK_MS = 5_000;
  /** Consecutive failed WaitTask calls before the servant counts as gone. */
  public static final int WAIT_FAILURES_TOLERATED = 4;
  /** Pause after a failed WaitTask call. */
  public static final long WAIT_RETRY_MS = 1_000;
  /** QueueTask carries the whole source. */
  public static final long QUEUE_TIMEOUT_MS = 30_000;
  /** FreeTask and ReferenceTask. */
  public static final long SERVANT_CALL_TIMEOUT_MS = 5_000;
  /** This node's servant's counters, for --stats. */
  public static final long SERVANT_STATS_TIMEOUT_MS = 1_000;

  // ---- servant ----

  /** Event-bus address answering a servant's counters, followed by the servant id. */
  public static final String SERVANT_STATS_ADDRESS_PREFIX = "vxcc.servant.stats.";
  /** How long the scheduler may count on a servant's heartbeat; one that says 0 leaves at once. */
  public static final long SERVANT_HEARTBEAT_LEASE_MS = 10_000;
  /** A heartbeat the scheduler has not answered by then failed; the next one is still sent. */
  public static final long SERVANT_HEARTBEAT_TIMEOUT_MS = 5_000;
  /** The last heartbeat (lease 0) on stop: worth a short wait, never a slow shutdown. */
  public static final long SERVANT_LEAVE_TIMEOUT_MS = 1_000;
  /** Longest a WaitTask long-poll is held, whatever the delegate asked for. */
  public static final long SERVANT_MAX_WAIT_MS = 10_000;
  /** Results nobody collected are dropped after this long. */
  public static final long SERVANT_RETAIN_DONE_MS = 60_000;
  /** Period of the CPU and memory sample the heartbeat and admission read. */
  public static final long SERVANT_LOAD_SAMPLE_MS = 1_000;
  /** Period of dropping uncollected results. */
  public static final long SERVANT_CLEANUP_MS = 1_000;
  /** Period of the shared cache's locate / Bloom refresh. */
  public static final long SERVANT_CACHE_TICK_MS = 1_000;
  /** How often meters read from event-loop-confined state are copied for scrapes (ServantMeters). */
  public static final long METRICS_SAMPLE_MS = 1_000;
  /** Up to this a task's source is copied out of its request on the event loop; bigger ones on a worker. */
  public static final int SERVANT_COPY_ON_LOOP_MAX_BYTES = 1 << 20;

  /**
   * Worker pool for compiler probes ({@code -###}, which may take up to
   * {@link #COMPILER_PROBE_TIMEOUT_SECONDS}): shared by name, so every verticle of a node uses the
   * same few threads and a slow probe never holds a thread of Vert.x's own worker pool.
   */
  public static final String COMPILER_PROBE_POOL = "vxcc-compiler-probe";
  public static final int COMPILER_PROBE_THREADS = 4;
  /** How long a compiler may take to answer {@code -###}. */
  public static final long COMPILER_PROBE_TIMEOUT_SECONDS = 30;
  /** How long a servant's {@code -E} of a task's source (for its cache key) may take. */
  public static final long COMPILER_EXPANSION_TIMEOUT_SECONDS = 60;
  /** Above the probe timeout, so Vert.x's blocked-thread checker stays quiet for a slow but legal probe. */
  public static final long COMPILER_PROBE_MAX_EXECUTE_SECONDS = 120;
}
