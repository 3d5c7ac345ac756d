package dev.vxcc.cache.engine;

/** Counters of one L2 engine since it was created. */
public record EngineStats(long entries, long bytes, long hits, long misses, long evictions, long corrupt) {
  public static final EngineStats EMPTY = new EngineStats(0, 0, 0, 0, 0, 0);
}
