package dev.vxcc.cache.engine;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/** {@code cache.engine = null}: no L2 at all, the cache lives in memory only. */
public final class NullEngine implements CacheEngine {
  private final LongAdder misses = new LongAdder();

  @Override
  public String name() {
    return "null";
  }

  @Override
  public Optional<byte[]> get(String key) {
    misses.increment();
    return Optional.empty();
  }

  @Override
  public void put(String key, byte[] value) {}

  @Override
  public void remove(String key) {}

  @Override
  public Collection<String> keys() {
    return List.of();
  }

  @Override
  public EngineStats stats() {
    return new EngineStats(0, 0, 0, misses.sum(), 0, 0);
  }

  @Override
  public int purge() {
    return 0;
  }
}
