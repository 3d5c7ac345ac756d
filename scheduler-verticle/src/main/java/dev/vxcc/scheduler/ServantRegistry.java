package dev.vxcc.scheduler;

import dev.vxcc.common.bus.ServantHeartbeat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Live servants keyed by servant id, kept in registration order (the policy's tie-breaker), and the index
 * the policy chooses from. Every change to a servant the policy looks at goes through here, so that the
 * index stays in step. Not thread-safe.
 */
final class ServantRegistry {
  /** Sums over every registered servant, as the view would report them. */
  record Totals(int servants, long capacity, long running) {}

  private final Map<String, Servant> servants = new LinkedHashMap<>();
  private final ServantIndex index;
  private final long minMemoryBytes;
  private long registrations;
  /**
   * Kept in step with every change below, so that the meters sampled each sweep cost nothing per
   * servant (a walk building the view was the one cost of a sweep that grew with the cluster).
   */
  private long capacityTotal;
  private long runningTotal;
  /** Servants that joined or left, ever: lets a cached view notice that it misses one. */
  private long joinsAndLeaves;

  /** @param minMemoryBytes the servant memory floor the policy applies (scheduler.servantMinMemoryBytes) */
  ServantRegistry(long minMemoryBytes) {
    this.minMemoryBytes = minMemoryBytes;
    this.index = new ServantIndex(minMemoryBytes);
  }

  /** Records a heartbeat; returns the entry, created on first sight. */
  Servant update(ServantHeartbeat hb, int maxTasks, String notAcceptingReason, Instant heardAt, Instant expiresAt) {
    Servant s = servants.get(hb.servantId());
    if (s == null) {
      s = new Servant(hb.servantId(), registrations++);
      servants.put(s.id(), s);
      joinsAndLeaves++;
    } else {
      uncount(s);
    }
    s.update(hb, maxTasks, notAcceptingReason, heardAt, expiresAt);
    count(s);
    index.refresh(s);
    return s;
  }

  /** Counts one more task granted on {@code s}. */
  void assigned(Servant s) {
    uncount(s);
    s.assigned();
    count(s);
    index.refresh(s);
  }

  /** Counts one task of {@code s} as gone. */
  void released(Servant s) {
    uncount(s);
    s.released();
    count(s);
    index.refresh(s);
  }

  long joinsAndLeaves() {
    return joinsAndLeaves;
  }

  Totals totals() {
    return new Totals(servants.size(), capacityTotal, runningTotal);
  }

  ServantIndex index() {
    return index;
  }

  Servant get(String servantId) {
    return servants.get(servantId);
  }

  boolean contains(String servantId) {
    return servants.containsKey(servantId);
  }

  Collection<Servant> all() {
    return Collections.unmodifiableCollection(servants.values());
  }

  /** Grants nothing more on {@code s} until its next heartbeat. */
  void suspect(Servant s) {
    s.suspect();
    index.refresh(s);
  }

  /** Marks suspect, and returns, the servants not yet suspect that fell silent (see {@link Servant#silent}). */
  List<Servant> suspectSilent(Instant now, long minSilenceMs) {
    List<Servant> out = new ArrayList<>();
    for (Servant s : servants.values()) {
      if (!s.isSuspect() && s.maxTasks() > 0 && s.silent(now, minSilenceMs)) {
        suspect(s);
        out.add(s);
      }
    }
    return out;
  }

  /** Drops servants whose lease has run out (a leaving servant's lease ends at once) and returns them. */
  List<Servant> removeExpired(Instant now) {
    return removeIf(s -> !now.isBefore(s.expiresAt()));
  }

  /** The cluster nodes the servants named (servants that named none are left out). */
  Set<String> nodes() {
    Set<String> out = new java.util.HashSet<>();
    for (Servant s : servants.values()) {
      if (!s.heartbeat().nodeId().isEmpty()) {
        out.add(s.heartbeat().nodeId());
      }
    }
    return out;
  }

  /** Drops the servants of a cluster node that left and returns them. */
  List<Servant> removeOnNode(String nodeId) {
    return removeIf(s -> !nodeId.isEmpty() && nodeId.equals(s.heartbeat().nodeId()));
  }

  private List<Servant> removeIf(Predicate<Servant> gone) {
    List<Servant> out = new ArrayList<>();
    for (Iterator<Servant> it = servants.values().iterator(); it.hasNext(); ) {
      Servant s = it.next();
      if (gone.test(s)) {
        out.add(s);
        it.remove();
        joinsAndLeaves++;
        uncount(s);
        index.remove(s);
      }
    }
    return out;
  }

  private void count(Servant s) {
    capacityTotal += s.capacity(minMemoryBytes);
    runningTotal += s.running();
  }

  private void uncount(Servant s) {
    capacityTotal -= s.capacity(minMemoryBytes);
    runningTotal -= s.running();
  }

  int size() {
    return servants.size();
  }
}
