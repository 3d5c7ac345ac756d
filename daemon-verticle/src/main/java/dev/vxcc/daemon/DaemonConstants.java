package dev.vxcc.daemon;

/**
 * The daemon's fixed numbers, event-bus addresses and configuration section names, in one place
 * (the tunable ones are in {@link DaemonConfig}).
 */
public final class DaemonConstants {
  private DaemonConstants() {}

  // ---- delegate (local API, dispatch, leases) ----

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
