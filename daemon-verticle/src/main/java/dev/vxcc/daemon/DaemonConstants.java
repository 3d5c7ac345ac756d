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
  /** Straggler hedging: recent remote durations kept per compiler and argument shape. */
  public static final int HEDGE_HISTORY_SAMPLES = 20;
  /** Below this many samples a shape has no expected duration (its compiler's is used, if it has enough). */
  public static final int HEDGE_HISTORY_MIN_SAMPLES = 3;
  /** Shapes and compilers whose durations are kept; the least recently used are forgotten. */
  public static final int HEDGE_HISTORY_KEYS = 1_024;
  /** How long a duplicate of a straggler waits for a grant before the straggler is left alone. */
  public static final long HEDGE_GRANT_WAIT_MS = 5_000;
  /** This node's servant's counters, for --stats. */
  public static final long SERVANT_STATS_TIMEOUT_MS = 1_000;

  // ---- servant ----

  /**
   * Local map holding this node's {@link InPlaceServant} (under {@link #IN_PLACE_SERVANT_KEY}); not
   * {@code NodeKeys.MAP}, whose values are strings printed in the node's ready line.
   */
  public static final String IN_PLACE_MAP = "vxcc.in-place";
  public static final String IN_PLACE_SERVANT_KEY = "servant";
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
  /**
   * A task's exit code when the servant declines it as one it cannot run faithfully (its own files or
   * include resolution differ from the user's) rather than failing: the delegate compiles elsewhere or
   * locally without counting it against the servant. Older delegates read any negative code as a failure.
   */
  public static final int TASK_EXIT_DECLINED = -2;
  /** Source-tree tasks: the servant's blob store is bounded to this many bytes on disk (LRU). */
  public static final long SERVANT_BLOB_STORE_BYTES = 2L << 30;
  /** Files remembered by digest as naming (or not) a clock macro, for storing source-tree results. */
  public static final int SERVANT_CLOCK_SCAN_ENTRIES = 200_000;
  /** Source-tree tasks: the largest single file a delegate may upload. */
  public static final long SERVANT_MAX_BLOB_BYTES = 64L << 20;
  /**
   * Source-tree tasks: top-level directories a servant binds read-only from its own disk; task
   * files below them are checked by digest there, so delegates never upload them.
   */
  public static final java.util.List<String> SOURCE_TREE_SYSTEM_DIRS =
      java.util.List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "opt");
  /** Source-tree tasks: the most blob bytes one PutBlobs request carries (before compression). */
  public static final long SOURCE_TREE_UPLOAD_BATCH_BYTES = 8L << 20;

  // Direct mode (manifests in the shared cache, see local/DirectManifests).
  /** A manifest is one cache entry: bounded like one, and a hostile one costs at most this. */
  public static final int MANIFEST_MAX_BYTES = 1 << 20;
  /** Variants of one source kept (headers changed, other -D via the environment...). */
  public static final int MANIFEST_MAX_ENTRIES = 16;
  /** Includes plus shadowing places per entry. */
  public static final int MANIFEST_MAX_PATHS = 20_000;
  /** Compiles remembered as printing on the preprocessed-text path, which then go straight to a source tree. */
  public static final int PRINTING_COMPILES_ENTRIES = 100_000;
  /**
   * After no servant took a sourceTreeFirst compile as a tree (their system files differ from
   * ours), that compiler's compiles go as preprocessed text for this long, instead of paying a
   * dependency pass in vain each time.
   */
  public static final long TREE_NOT_TAKEN_BACKOFF_MS = 10 * 60_000L;
  /** Files changed this recently may still be changing: never trusted from or put into a manifest. */
  public static final long DIRECT_FRESH_FILE_MS = 2_000;
  /** A direct lookup slower than this gives up and preprocesses (the wrapper waits 2 s in all). */
  public static final long DIRECT_LOOKUP_TIMEOUT_MS = 1_200;
  public static final String DIRECT_POOL = "vxcc-direct";
  /**
   * The servant's cache fill (keying a result: macro expansion, hashing, compression): its own
   * threads, so a burst of stores never delays the workers that start and collect compiles.
   */
  public static final String CACHE_FILL_POOL = "vxcc-cache-fill";
  /** Depend-mode compiles on this machine's own files: starting them, reading what they read (HostCompile). */
  public static final String HOST_COMPILE_POOL = "vxcc-host-compile";
  /**
   * Entries of the outputs' directories a depend-mode compile binds back into its view, at most:
   * each costs a mount, and a build's object directories hold far fewer (an in-source build of a
   * huge directory goes the usual in-place way instead).
   */
  public static final int HOST_MAX_BOUND_ENTRIES = 4000;
  public static final int CACHE_FILL_THREADS = 2;
  public static final int DIRECT_THREADS = 2;
  /** Directories whose missing names direct mode remembers (local/AbsentPaths); all forgotten when full. */
  public static final int ABSENT_DIRS_KEPT = 4_096;
  /** Missing names direct mode remembers in all (some 100 bytes each); all forgotten when full. */
  public static final int ABSENT_NAMES_KEPT = 200_000;
}
