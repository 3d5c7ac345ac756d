package dev.vxcc.scheduler;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Servants dropped because the cluster said their node left, kept for a short grace with the grants
 * they held. On a loaded machine a frozen member makes Hazelcast split for a while, and a healthy
 * servant can be declared gone while its heartbeats still arrive over the event bus: it is back
 * within a heartbeat. Until the grace ends the scheduler treats that like a warm-up (a compiler
 * nobody offers is waited for, not refused), and a servant that comes back gets its running tasks'
 * grants again instead of being told to kill work its delegates are still waiting for.
 * Not thread-safe: the dispatcher's thread only.
 */
final class DepartedServants {
  private record Departed(List<GrantLeases.Lease> leases, Instant until) {}

  private final Map<String, Departed> byServant = new HashMap<>();
  private Instant graceUntil = Instant.MIN;
  private boolean graceOpen;

  /** The servant left with its node; these were its grants when it did. */
  void left(String servantId, List<GrantLeases.Lease> leases, Instant until) {
    byServant.put(servantId, new Departed(List.copyOf(leases), until));
    if (until.isAfter(graceUntil)) {
      graceUntil = until;
    }
    graceOpen = true;
  }

  /** Whether a servant left so recently that it may still come back with its next heartbeat. */
  boolean inGrace(Instant now) {
    return now.isBefore(graceUntil);
  }

  /**
   * The grants a returning servant held when it was dropped, if it is back within its grace; the
   * entry is gone afterwards either way.
   */
  List<GrantLeases.Lease> returned(String servantId, Instant now) {
    Departed d = byServant.remove(servantId);
    return d == null || !now.isBefore(d.until()) ? List.of() : d.leases();
  }

  /** Forgets servants whose grace ended; true once, when the last grace has just ended (waiters should learn it). */
  boolean expire(Instant now) {
    byServant.values().removeIf(d -> !now.isBefore(d.until()));
    if (graceOpen && !inGrace(now)) {
      graceOpen = false;
      return true;
    }
    return false;
  }
}
