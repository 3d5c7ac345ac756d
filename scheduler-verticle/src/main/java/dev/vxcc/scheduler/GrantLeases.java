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
    /** Null while adopted and not yet claimed by its delegate's first keep-alive. */
    GrantHolder holder;
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
  /**
   * The first id this instance issued. Ids below it come from a predecessor scheduler (before a
   * failover or restart), which is what makes a task in a heartbeat adoptable rather than stale.
   */
  private final long firstId;
  private long nextId;

  /** Delegates use grant id 0 to mean "no grant", so the first id must be positive. */
  GrantLeases(long firstId) {
    if (firstId < 1) {
      throw new IllegalArgumentException("first grant id must be >= 1, got " + firstId);
    }
    this.firstId = firstId;
    this.nextId = firstId;
  }

  GrantLeases() {
    this(1);
  }

  /**
   * A first id above any a scheduler started earlier can have issued: the start time in milliseconds
   * times 1024, so ids from earlier instances stay below unless one of them issued more than 1024
   * grants per millisecond of its life, far beyond what a scheduler does. Ids stay far below 2^63.
   */
  static long firstIdAt(Instant start) {
    return Math.max(1, start.toEpochMilli()) * 1024;
  }

  /** Whether this id was issued by an earlier scheduler instance rather than by this one. */
  boolean fromPredecessor(long grantId) {
    return grantId > 0 && grantId < firstId;
  }

  /**
   * Takes over a grant an earlier scheduler issued and a servant still runs: its delegate claims it
   * with its next keep-alive (see {@link #getOwned}). Until then it counts under no token.
   */
  Lease adopt(long grantId, String servantId, Instant expiresAt) {
    Lease l = new Lease(grantId, servantId, null, expiresAt);
    leases.put(grantId, l);
    return l;
  }

  /**
   * Puts back a lease dropped with its servant when that servant comes back (see {@link DepartedServants}):
   * ids are never issued twice, so nobody else can hold it meanwhile. A zombie comes back live; the
   * next sweep makes it a zombie again if its time is up.
   */
  void restore(Lease l) {
    l.zombie = false;
    if (leases.putIfAbsent(l.grantId, l) == null && l.holder != null) {
      perToken.merge(l.holder.token(), 1, Integer::sum);
    }
  }

  Lease issue(String servantId, GrantHolder holder, Instant expiresAt) {
    Lease l = new Lease(nextId++, servantId, holder, expiresAt);
    leases.put(l.grantId, l);
    perToken.merge(holder.token(), 1, Integer::sum);
    return l;
  }

  Lease get(long grantId) {
    return leases.get(grantId);
  }

  /**
   * The lease if it exists and belongs to this holder; otherwise null, as if it did not exist. An
   * adopted lease nobody claimed yet becomes this holder's: the predecessor that knew the holder is
   * gone, and the first delegate to name the id is the one that got it from that predecessor, since
   * ids are never handed to anyone else (a holder of the same user token could race it; they already
   * share one quota).
   */
  Lease getOwned(long grantId, GrantHolder holder) {
    Lease l = leases.get(grantId);
    if (l != null && l.holder == null) {
      l.holder = holder;
      perToken.merge(holder.token(), 1, Integer::sum);
    }
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
    if (l.holder != null) {
      perToken.computeIfPresent(l.holder.token(), (t, n) -> n > 1 ? n - 1 : null);
    }
    if (l.zombie) {
      Set<Lease> ofServant = zombies.get(l.servantId);
      ofServant.remove(l);
      if (ofServant.isEmpty()) {
        zombies.remove(l.servantId);
      }
    }
  }
}
