package dev.vxcc.common.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which of several scheduler nodes is the active one. Every node that runs the scheduler role puts its
 * cluster node id into a cluster-wide map ({@link #MAP}, entries with a time-to-live, renewed while the
 * node lives); the active scheduler is the OLDEST live cluster member among them.
 *
 * <p>Why this and not Vert.x HA alone or a Hazelcast CP lock: Vert.x HA only redeploys a dead node's
 * verticles, so two nodes started with the scheduler role would both serve and split the servants'
 * state between them. A CP lock needs three CP members to be safe, and in the unsafe mode the cluster
 * runs with (cp-member-count 0) a dead holder's session lingers for minutes. The member list, in
 * contrast, is the same on every member (Hazelcast orders it by join), is read locally without a
 * remote call, and drops a killed member within about half a second on loopback (stack-notes §6): so
 * every node agrees on the active one as soon as it agrees on membership, and a restarted node joins
 * as the youngest, never stealing the role from a running one. Pure: the caller reads the member
 * list and the map.
 */
public final class SchedulerCandidates {
  /** The cluster-wide map of scheduler candidates: node id to the candidate's deployment id. */
  public static final String MAP = "vxcc.scheduler.candidates";
  /**
   * How long a candidate's entry outlives its last renewal: entries of dead nodes vanish by themselves,
   * and one lost in a partition's merge comes back with the next renewal.
   */
  public static final long ENTRY_TTL_MS = 10_000;
  /** How often a candidate renews its entry; well inside the time-to-live. */
  public static final long RENEW_MS = 3_000;
  /**
   * How often a candidate looks at the member list to decide whether it is the active one; with
   * Hazelcast's detection of a killed member this bounds the failover time (target: under 2 s).
   */
  public static final long CHECK_MS = 200;

  private SchedulerCandidates() {}

  /** The active scheduler's node: the first of the live members, oldest first, that is a candidate. */
  public static Optional<String> active(List<String> membersOldestFirst, Collection<String> candidates) {
    Set<String> c = Set.copyOf(candidates);
    return membersOldestFirst.stream().filter(c::contains).findFirst();
  }

  /** Whether {@code self} should serve as the scheduler now. */
  public static boolean isActive(String self, List<String> membersOldestFirst, Collection<String> candidates) {
    return active(membersOldestFirst, candidates).map(self::equals).orElse(false);
  }
}
