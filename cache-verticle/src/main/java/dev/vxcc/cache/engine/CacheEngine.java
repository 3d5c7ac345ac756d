package dev.vxcc.cache.engine;

import java.util.Collection;
import java.util.Optional;

/**
 * The L2 store behind the in-memory cache. Every method may block (disk, network), so callers run
 * them on worker threads only. Implementations are thread-safe. Keys are already validated.
 */
public interface CacheEngine extends AutoCloseable {
  /** Name as written in {@code cache.engine}. */
  String name();

  /** The value, or empty on a miss; a corrupt entry is dropped, counted, and reported as a miss. */
  Optional<byte[]> get(String key);

  /**
   * The value's length without reading the value where the engine can (an HTTP HEAD asks only
   * that), or empty on a miss. Not counted as a hit or miss. The default reads the entry.
   */
  default java.util.OptionalLong size(String key) {
    return get(key).map(v -> java.util.OptionalLong.of(v.length)).orElse(java.util.OptionalLong.empty());
  }

  void put(String key, byte[] value);

  void remove(String key);

  /** Every key currently held, for the Bloom filter rebuild. */
  Collection<String> keys();

  EngineStats stats();

  /** Brings the store back under its bound; returns how many entries were dropped. */
  int purge();

  @Override
  default void close() {}
}
