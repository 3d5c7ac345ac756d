package dev.vxcc.scheduler;

import dev.vxcc.common.bus.ServantHeartbeat;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The servants that could take one more task right now, filed under every (pool key, daemon version)
 * they offer (a pool key is a compiler digest, or one for source-tree tasks: {@link ServantPolicy#poolKey}) and sorted by {@link ServantPolicy.Rank}, so that choosing one costs O(log n)
 * instead of a scan of the cluster. Each servant is held as a snapshot of what the policy looked at;
 * whoever changes a servant (heartbeat, grant, free) calls {@link #refresh} right after, and {@link
 * #remove} when it leaves. Daemon versions and servants per machine are few, which is what bounds the
 * walks below. Not thread-safe.
 */
final class ServantIndex {
  /**
   * What the policy saw when the servant was last refreshed; the sorted sets find it again by this rank.
   * Only accepting servants get one. Compared by identity: hashing a heartbeat would walk its task list.
   */
  private static final class Entry {
    final Servant servant;
    /** The servant's latest heartbeat; a newer one that files it the same way replaces it in place. */
    ServantHeartbeat heartbeat;
    final ServantPolicy.Rank rank;
    final boolean free;
    final boolean preferred;
    final List<String> keys;

    Entry(Servant servant, ServantPolicy.Rank rank, boolean free, boolean preferred) {
      this.servant = servant;
      this.heartbeat = servant.heartbeat();
      this.rank = rank;
      this.free = free;
      this.preferred = preferred;
      this.keys = ServantPolicy.poolKeys(heartbeat);
    }

    /** Whether a servant now seen as {@code h} with this rank would be filed exactly where this entry is. */
    boolean filedAlike(ServantHeartbeat h, ServantPolicy.Rank rank, boolean free, boolean preferred) {
      return rank.equals(this.rank) && free == this.free && preferred == this.preferred
          && h.version() == heartbeat.version() && h.host().equals(heartbeat.host())
          && h.location().equals(heartbeat.location()) && h.compilerDigests().equals(heartbeat.compilerDigests())
          && h.capabilities().equals(heartbeat.capabilities());
    }

    String host() {
      return heartbeat.host();
    }

    String location() {
      return heartbeat.location();
    }
  }

  /** The servants of one (digest, version): how many accept tasks, and which of them are free now. */
  private static final class Pool {
    final TreeSet<Entry> free = new TreeSet<>(BY_RANK);
    /** The free ones the policy prefers (dedicated, below half their CPUs). */
    final TreeSet<Entry> preferred = new TreeSet<>(BY_RANK);
    int accepting;
  }

  private static final Comparator<Entry> BY_RANK = Comparator.comparing(e -> e.rank);

  private final long minMemoryBytes;
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, NavigableMap<Integer, Pool>> pools = new HashMap<>();
  /** Free servants by machine, for the requester's own machine, the policy's last resort. */
  private final Map<String, Set<Entry>> freeByHost = new HashMap<>();
  /** Accepting servants by location, to weigh a request's exclusions without a scan. */
  private final Map<String, Entry> byLocation = new HashMap<>();
  /**
   * Pools and entries the walks below have looked at, ever: what a choice costs beyond the sorted sets'
   * O(log n), so that a test can show it does not grow with the cluster.
   */
  private long examined;

  ServantIndex(long minMemoryBytes) {
    this.minMemoryBytes = minMemoryBytes;
  }

  /** Files the servant again after anything the policy looks at may have changed. */
  void refresh(Servant s) {
    if (!ServantPolicy.accepting(s)) {
      remove(s);
      return;
    }
    ServantPolicy.Rank rank = ServantPolicy.rank(s, minMemoryBytes);
    boolean free = ServantPolicy.free(s, minMemoryBytes);
    boolean preferred = free && ServantPolicy.preferred(s);
    Entry old = entries.get(s.id());
    if (old != null && old.filedAlike(s.heartbeat(), rank, free, preferred)) {
      // Most heartbeats change nothing the policy looks at: the servant stays where it is filed.
      old.heartbeat = s.heartbeat();
      return;
    }
    remove(s);
    Entry e = new Entry(s, rank, free, preferred);
    entries.put(s.id(), e);
    byLocation.put(e.location(), e);
    List<String> digests = e.keys;
    for (int i = 0; i < digests.size(); i++) {
      Pool p = pools.computeIfAbsent(digests.get(i), d -> new TreeMap<>())
          .computeIfAbsent(e.heartbeat.version(), v -> new Pool());
      p.accepting++;
      if (e.free) {
        p.free.add(e);
      }
      if (e.preferred) {
        p.preferred.add(e);
      }
    }
    if (e.free) {
      freeByHost.computeIfAbsent(e.host(), h -> new LinkedHashSet<>()).add(e);
    }
  }

  void remove(Servant s) {
    Entry e = entries.remove(s.id());
    if (e == null) {
      return;
    }
    byLocation.remove(e.location(), e);
    List<String> digests = e.keys;
    for (int i = 0; i < digests.size(); i++) {
      NavigableMap<Integer, Pool> byVersion = pools.get(digests.get(i));
      Pool p = byVersion.get(e.heartbeat.version());
      p.free.remove(e);
      p.preferred.remove(e);
      if (--p.accepting == 0) {
        byVersion.remove(e.heartbeat.version());
        if (byVersion.isEmpty()) {
          pools.remove(digests.get(i));
        }
      }
    }
    if (e.free) {
      Set<Entry> onHost = freeByHost.get(e.host());
      onHost.remove(e);
      if (onHost.isEmpty()) {
        freeByHost.remove(e.host());
      }
    }
  }

  long examined() {
    return examined;
  }

  /** Whether any servant, busy or not, could ever run the compiler: if not, waiting is pointless. */
  boolean anyEligible(String compilerDigest, int minVersion) {
    NavigableMap<Integer, Pool> byVersion = pools.get(compilerDigest);
    return byVersion != null && !byVersion.tailMap(minVersion, true).isEmpty();
  }

  /**
   * Whether some eligible servant, busy or not, is at none of the {@code excluded} locations. Costs the
   * number of daemon versions plus the number of exclusions.
   */
  boolean anyEligibleBeyond(String compilerDigest, int minVersion, Set<String> excluded) {
    NavigableMap<Integer, Pool> byVersion = pools.get(compilerDigest);
    if (byVersion == null) {
      return false;
    }
    long eligible = 0;
    for (Pool p : byVersion.tailMap(minVersion, true).values()) {
      examined++;
      eligible += p.accepting;
    }
    for (String location : excluded) {
      examined++;
      Entry e = byLocation.get(location);
      if (e != null && e.heartbeat.version() >= minVersion && e.keys.contains(compilerDigest)) {
        eligible--;
      }
    }
    return eligible > 0;
  }

  Optional<Servant> bestAwayFrom(String compilerDigest, int minVersion, String host, boolean preferredOnly) {
    return bestAwayFrom(compilerDigest, minVersion, host, preferredOnly, Set.of());
  }

  /**
   * The lowest-ranked free eligible servant not on {@code host} nor at an excluded location, among the
   * preferred ones only if asked. Skips at most the servants on that host and the excluded ones.
   */
  Optional<Servant> bestAwayFrom(String compilerDigest, int minVersion, String host, boolean preferredOnly,
      Set<String> excluded) {
    NavigableMap<Integer, Pool> byVersion = pools.get(compilerDigest);
    if (byVersion == null) {
      return Optional.empty();
    }
    Entry best = null;
    for (Pool p : byVersion.tailMap(minVersion, true).values()) {
      examined++;
      for (Entry e : preferredOnly ? p.preferred : p.free) {
        examined++;
        if (!e.host().equals(host) && !excluded.contains(e.location())) {
          best = best == null || BY_RANK.compare(e, best) < 0 ? e : best;
          break;
        }
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.servant);
  }

  Optional<Servant> bestOn(String compilerDigest, int minVersion, String host) {
    return bestOn(compilerDigest, minVersion, host, Set.of());
  }

  /**
   * The lowest-ranked free eligible servant on {@code host} not at an excluded location; costs the
   * number of free servants there.
   */
  Optional<Servant> bestOn(String compilerDigest, int minVersion, String host, Set<String> excluded) {
    Entry best = null;
    for (Entry e : freeByHost.getOrDefault(host, Set.of())) {
      examined++;
      if (e.heartbeat.version() >= minVersion && e.keys.contains(compilerDigest)
          && !excluded.contains(e.location())
          && (best == null || BY_RANK.compare(e, best) < 0)) {
        best = e;
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.servant);
  }
}
