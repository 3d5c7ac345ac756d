package dev.vxcc.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;

/**
 * L1: values in memory, bounded by bytes. Caffeine's W-TinyLFU keeps frequently used entries
 * through a scan of one-off ones, which is what yadcc's hand-written byte-weighted ARC was for.
 */
public final class MemoryCache {
  /** Rough per-entry cost besides key characters and value bytes (node, array headers, sketch). */
  static final int ENTRY_OVERHEAD_BYTES = 96;

  private final long maxBytes;
  private final Cache<String, byte[]> cache;
  private final LongAdder evictions = new LongAdder();

  public MemoryCache(long maxBytes) {
    this(maxBytes, ForkJoinPool.commonPool());
  }

  /** {@code executor} runs Caffeine's maintenance; tests pass {@code Runnable::run} for determinism. */
  public MemoryCache(long maxBytes, Executor executor) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("memory cache bound must be >= 0, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String k, byte[] v) -> weigh(k, v))
        .executor(executor)
        .removalListener((String k, byte[] v, RemovalCause cause) -> {
          if (cause.wasEvicted()) {
            evictions.increment();
          }
        })
        .build();
  }

  private static int weigh(String key, byte[] value) {
    return (int) Math.min(Integer.MAX_VALUE, (long) value.length + 2L * key.length() + ENTRY_OVERHEAD_BYTES);
  }

  public Optional<byte[]> get(String key) {
    return Optional.ofNullable(cache.getIfPresent(key));
  }

  /** The value's length, without touching its recency. */
  public java.util.OptionalLong size(String key) {
    byte[] v = cache.asMap().get(key);
    return v == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(v.length);
  }

  /** Values that alone exceed the budget are not kept: they would only flush everything else. */
  public void put(String key, byte[] value) {
    if (weigh(key, value) > maxBytes) {
      cache.invalidate(key);
      return;
    }
    cache.put(key, value);
  }

  public void remove(String key) {
    cache.invalidate(key);
  }

  public List<String> keys() {
    return List.copyOf(cache.asMap().keySet());
  }

  public long entries() {
    return cache.estimatedSize();
  }

  /** Weighted size: value bytes plus the per-entry estimate. */
  public long bytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  public long evictions() {
    return evictions.sum();
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Runs pending maintenance now (eviction, listeners); for tests and stats. */
  public void cleanUp() {
    cache.cleanUp();
  }
}
