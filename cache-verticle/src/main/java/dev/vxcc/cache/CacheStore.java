package dev.vxcc.cache;

import dev.vxcc.cache.engine.CacheEngine;
import dev.vxcc.cache.engine.EngineStats;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache proper: L1 in front of an L2 engine, feeding the Bloom generator (§4.16). Every method
 * may block on the engine, so the verticle calls them on its worker pool. Keys are validated.
 */
public final class CacheStore {
  private final MemoryCache l1;
  private final CacheEngine l2;
  private final BloomGenerator bloom;
  private final LongAdder l1Hits = new LongAdder();
  private final LongAdder l1Misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final HttpCounters http = new HttpCounters();

  public CacheStore(MemoryCache l1, CacheEngine l2, BloomGenerator bloom) {
    this.l1 = l1;
    this.l2 = l2;
    this.bloom = bloom;
  }

  public Optional<byte[]> get(String key) {
    Optional<byte[]> hit = l1.get(key);
    if (hit.isPresent()) {
      l1Hits.increment();
      return hit;
    }
    l1Misses.increment();
    Optional<byte[]> fromL2 = l2.get(key);
    fromL2.ifPresent(v -> l1.put(key, v));
    return fromL2;
  }

  /** The value's length from metadata where the layers keep it (an HTTP HEAD), or empty. */
  public java.util.OptionalLong size(String key) {
    java.util.OptionalLong inL1 = l1.size(key);
    return inL1.isPresent() ? inL1 : l2.size(key);
  }

  /** L2 first: if it fails the put fails, and L1 and the filter never claim an entry L2 lacks. */
  public void put(String key, byte[] value) {
    l2.put(key, value);
    l1.put(key, value);
    if (!CacheKeys.isHttp(key)) {
      bloom.add(key);
    }
    puts.increment();
  }

  /** Rebuilds the Bloom filter from L1 ∪ L2; {@code compensation} as in {@link BloomGenerator#rebuild}. */
  public void rebuildBloom(Duration compensation) {
    Set<String> keys = new HashSet<>(l2.keys());
    keys.addAll(l1.keys());
    // Daemons never ask for ccache or Bazel entries; listing them would only raise false positives.
    keys.removeIf(CacheKeys::isHttp);
    bloom.rebuild(keys, compensation);
  }

  public int purge() {
    return l2.purge();
  }

  public BloomGenerator bloom() {
    return bloom;
  }

  /** Counters of the HTTP endpoint, kept here so one stats snapshot reports everything. */
  public HttpCounters http() {
    return http;
  }

  public CacheEngine engine() {
    return l2;
  }

  public CacheStats stats() {
    EngineStats e = l2.stats();
    return new CacheStats(l2.name(), l1Hits.sum(), l1Misses.sum(), e.hits(), e.misses(), puts.sum(),
        l1.entries(), l1.bytes(), e.entries(), e.bytes(), l1.evictions(), e.evictions(), e.corrupt(), bloom.rebuilds(),
        http.hits(), http.misses(), http.puts());
  }
}
