package dev.vxcc.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every grant handed out and not yet freed, zombies included. Not thread-safe. */
final class GrantLeases {
  /**
   * A leased slot. A zombie's lease ran out without keep-alive; it still occupies its servant's slot
   * until the servant confirms, by leaving it out of a heartbeat, that the job is gone.
   */
  static final class Lease {
    final long grantId;
    final String servantId;
    final GrantHolder holder;
    Instant expiresAt;
    boolean zombie;

    Lease(long grantId, String servantId, GrantHolder holder, Instant expiresAt) {
      this.grantId = grantId;
      this.servantId = servantId;
      this.holder = holder;
      this.expiresAt = expiresAt;
    }
  }

  private final Map<Long, Lease> leases = new LinkedHashMap<>();
  /** Leases per user token, kept in step with {@link #leases} so the per-token limit costs no scan. */
  private final Map<String, Integer> perToken = new HashMap<>();
  /**
   * Zombies per servant, so that a heartbeat costs that servant's zombies rather than a walk over every
   * grant of the cluster. Insertion order is grant order, as a walk over {@link #leases} would give.
   */
  private final Map<String, Set<Lease>> zombies = new HashMap<>();
  // Never 0: delegates use grant id 0 to mean "no grant".
  private long nextId;

  GrantLeases() {
    this(1);
  }

  /**
   * @param firstId above every id an earlier scheduler may have issued, so that after a redeploy a
   *                grant still running under an old id is never confused with a new one
   */
  GrantLeases(long firstId) {
    this.nextId = Math.max(1, firstId);
  }

  Lease issue(String servantId, GrantHolder holder, Instant expiresAt) {
    Lease l = new Lease(nextId++, servantId, holder, expiresAt);
    leases.put(l.grantId, l);
    perToken.merge(holder.token(), 1, Integer::sum);
    return l;
  }

  /** The id the next grant gets; a successor starts there. */
  long nextId() {
    return nextId;
  }

  Lease get(long grantId) {
    return leases.get(grantId);
  }

  /** The lease if it exists and belongs to this holder; otherwise null, as if it did not exist. */
  Lease getOwned(long grantId, GrantHolder holder) {
    Lease l = leases.get(grantId);
    return l != null && l.holder.equals(holder) ? l : null;
  }

  Lease remove(long grantId) {
    Lease l = leases.remove(grantId);
    if (l != null) {
      forget(l);
    }
    return l;
  }

  /** How many leases, zombies included, the holders of this token have. */
  int heldBy(String token) {
    return perToken.getOrDefault(token, 0);
  }

  Collection<Lease> all() {
    return Collections.unmodifiableCollection(leases.values());
  }

  /** Turns every lease that ran out into a zombie; returns how many changed. */
  int zombifyExpired(Instant now) {
    int n = 0;
    for (Lease l : leases.values()) {
      if (!l.zombie && !now.isBefore(l.expiresAt)) {
        l.zombie = true;
        zombies.computeIfAbsent(l.servantId, id -> new LinkedHashSet<>()).add(l);
        n++;
      }
    }
    return n;
  }

  List<Lease> zombiesOf(String servantId) {
    return new ArrayList<>(zombies.getOrDefault(servantId, Set.of()));
  }

  /** Removes and returns the leases whose servant is no longer registered. */
  List<Lease> removeOrphans(ServantRegistry servants) {
    List<Lease> out = new ArrayList<>();
    leases.values().removeIf(l -> {
      boolean orphan = !servants.contains(l.servantId);
      if (orphan) {
        out.add(l);
        forget(l);
      }
      return orphan;
    });
    return out;
  }

  int size() {
    return leases.size();
  }

  private void forget(Lease l) {
    perToken.computeIfPresent(l.holder.token(), (t, n) -> n > 1 ? n - 1 : null);
    if (l.zombie) {
      Set<Lease> ofServant = zombies.get(l.servantId);
      ofServant.remove(l);
      if (ofServant.isEmpty()) {
        zombies.remove(l.servantId);
      }
    }
  }
}
