package dev.vxcc.cache;

import java.util.concurrent.atomic.LongAdder;

/** What the HTTP endpoint served: GETs answered from the cache or not, and PUTs stored. */
public final class HttpCounters {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();

  void hit() {
    hits.increment();
  }

  void miss() {
    misses.increment();
  }

  void put() {
    puts.increment();
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long puts() {
    return puts.sum();
  }
}
