package dev.vxcc.scheduler;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code "scheduler"} section of {@code conf/vxcc.json}.
 *
 * @param userTokens tokens delegates present for grant, keep-alive, free and the full view; only these
 *     receive the serving token
 * @param servantTokens tokens servants present in heartbeats; only these serve and learn the tokens
 *     servants accept. A token in only one list has only that role.
 * @param minDaemonVersion heartbeats from older daemons are refused
 * @param maxWaitMs upper bound on how long a grant request may be held open
 * @param servantMinMemoryBytes servants with less available memory get no new tasks
 * @param sweepIntervalMs period of the lease sweep
 * @param tokenRotationMs how long each daemon-to-daemon token stays the active one
 * @param maxGrantsPerToken most grants (zombies included) all holders of one user token may hold at
 *     once, so that one token cannot take every slot of the cluster; also the most grant requests of one
 *     token that may wait at once
 */
public record SchedulerConfig(
    Set<String> userTokens,
    Set<String> servantTokens,
    int minDaemonVersion,
    long maxWaitMs,
    long servantMinMemoryBytes,
    long sweepIntervalMs,
    long tokenRotationMs,
    int maxGrantsPerToken) {

  public static final long DEFAULT_MAX_WAIT_MS = 10_000;
  public static final long DEFAULT_SERVANT_MIN_MEMORY_BYTES = 1L << 30;
  public static final long DEFAULT_SWEEP_INTERVAL_MS = 1_000;
  public static final long DEFAULT_TOKEN_ROTATION_MS = 3_600_000;
  public static final int DEFAULT_MAX_GRANTS_PER_TOKEN = 1024;
  /**
   * How long a grant taken over from a predecessor scheduler lives unless its delegate renews it: the
   * delegates' own lease (15 s), so an orphaned task is killed about as late as it would have been.
   */
  public static final long ADOPTED_LEASE_MS = 15_000;
  /**
   * How long a scheduler that just became active waits for heartbeats before it refuses a compiler no
   * servant offers: two and a half servant heartbeat periods (1 s), so one lost heartbeat is tolerated.
   */
  public static final long WARMUP_MS = 2_500;
  /**
   * How old a cluster view served on the bus may be: delegates poll it once a second, so a fifth of
   * that keeps their picture as fresh while the scheduler builds it a few times a second, not once per
   * delegate.
   */
  public static final long VIEW_MAX_AGE_MS = 200;
  /**
   * How long a servant dropped because its cluster node left may come back with its grants (see
   * DepartedServants), and how long a compiler only it offered is waited for instead of refused: as
   * long as the warm-up, for the same reason. A servant that really died costs its compiler's
   * requests at most this much before they compile locally.
   */
  public static final long REJOIN_GRACE_MS = WARMUP_MS;
  /**
   * A scheduler whose role check did not run for this long was frozen (see PauseFence): below
   * conf/cluster.xml's hazelcast.max.no.heartbeat.seconds (8 s), after which the cluster drops a
   * silent member and a standby takes over, with room for the check's own jitter on a loaded machine.
   */
  public static final long PAUSE_FENCE_AFTER_MS = 6_000;
  /**
   * How long a scheduler that was frozen stays a standby, its candidacy withdrawn: past the bound in
   * which the cluster heals after a frozen node resumes (8 s detection + 5 s merge period + the merge).
   */
  public static final long PAUSE_FENCE_MS = 30_000;
  /**
   * A servant silent for this long, and for three of its usual heartbeat periods, is taken for frozen
   * or cut off: no grants, and delegates duplicate its tasks elsewhere (it stays registered until its
   * 10 s lease ends, and its next heartbeat clears the mark). Three missed 1 s heartbeats: one late
   * heartbeat on a loaded machine is not enough.
   */
  public static final long SILENT_SERVANT_MS = 3_000;

  public SchedulerConfig {
    userTokens = Set.copyOf(userTokens);
    servantTokens = Set.copyOf(servantTokens);
    require(!userTokens.isEmpty(), "scheduler.userTokens must be a non-empty list");
    require(!servantTokens.isEmpty(), "scheduler.servantTokens must be a non-empty list");
    require(minDaemonVersion >= 0, "scheduler.minDaemonVersion must be >= 0, got " + minDaemonVersion);
    require(maxWaitMs >= 0 && maxWaitMs <= DEFAULT_MAX_WAIT_MS,
        "scheduler.maxWaitMs must be between 0 and " + DEFAULT_MAX_WAIT_MS + ", got " + maxWaitMs);
    require(servantMinMemoryBytes >= 0,
        "scheduler.servantMinMemoryBytes must be >= 0, got " + servantMinMemoryBytes);
    require(sweepIntervalMs > 0, "scheduler.sweepIntervalMs must be > 0, got " + sweepIntervalMs);
    require(tokenRotationMs > 0, "scheduler.tokenRotationMs must be > 0, got " + tokenRotationMs);
    // No "0 = unlimited": an unbounded token is exactly the quota hog this limit exists to stop.
    require(maxGrantsPerToken > 0, "scheduler.maxGrantsPerToken must be > 0, got " + maxGrantsPerToken);
  }

  /** With the default per-token grant limit. */
  public SchedulerConfig(Set<String> userTokens, Set<String> servantTokens, int minDaemonVersion, long maxWaitMs,
      long servantMinMemoryBytes, long sweepIntervalMs, long tokenRotationMs) {
    this(userTokens, servantTokens, minDaemonVersion, maxWaitMs, servantMinMemoryBytes, sweepIntervalMs,
        tokenRotationMs, DEFAULT_MAX_GRANTS_PER_TOKEN);
  }

  /** Parses the section; anything missing takes its default, anything malformed is rejected. */
  /** The node configuration's section this record reads. */
  public static final String SECTION = "scheduler";

  public static SchedulerConfig fromJson(JsonObject section) {
    JsonObject s = section == null ? new JsonObject() : section;
    try {
      return new SchedulerConfig(
          tokens(s, "userTokens"),
          tokens(s, "servantTokens"),
          s.getInteger("minDaemonVersion", 0),
          s.getLong("maxWaitMs", DEFAULT_MAX_WAIT_MS),
          s.getLong("servantMinMemoryBytes", DEFAULT_SERVANT_MIN_MEMORY_BYTES),
          s.getLong("sweepIntervalMs", DEFAULT_SWEEP_INTERVAL_MS),
          s.getLong("tokenRotationMs", DEFAULT_TOKEN_ROTATION_MS),
          s.getInteger("maxGrantsPerToken", DEFAULT_MAX_GRANTS_PER_TOKEN));
    } catch (ClassCastException e) {
      // JsonObject getters throw this for a value of the wrong JSON type; name the section instead.
      throw new IllegalArgumentException("scheduler config has a value of the wrong type: " + e.getMessage(), e);
    }
  }

  private static Set<String> tokens(JsonObject s, String key) {
    JsonArray a = s.getJsonArray(key);
    Set<String> out = new LinkedHashSet<>();
    if (a != null) {
      for (Object o : a) {
        require(o instanceof String, "scheduler." + key + " must contain only strings, found " + o);
        // Requests decode a missing token as "", so an empty acceptable token would switch auth off.
        require(!((String) o).isBlank(), "scheduler." + key + " must not contain an empty token");
        out.add((String) o);
      }
    }
    return out;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
