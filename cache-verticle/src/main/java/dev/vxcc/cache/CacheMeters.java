package dev.vxcc.cache;

import dev.vxcc.common.metrics.MeterSet;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToLongFunction;

/**
 * The cache's Prometheus meters. Reading the engine's numbers may touch the disk, so they are sampled
 * on the cache's workers ({@link #update}) and the meters read the last sample.
 */
final class CacheMeters implements AutoCloseable {
  private final MeterSet meters;
  private volatile CacheStats last;

  CacheMeters(MeterRegistry registry) {
    this.meters = new MeterSet(registry);
    String hits = "cache_hits";
    count(hits, "Lookups answered, by tier", CacheStats::l1Hits, "tier", "l1");
    count(hits, "Lookups answered, by tier", CacheStats::l2Hits, "tier", "l2");
    count("cache_misses", "Lookups that found nothing", CacheStats::l2Misses);
    count("cache_puts", "Entries stored", CacheStats::puts);
    count("cache_evictions", "Entries evicted, by tier", CacheStats::l1Evictions, "tier", "l1");
    count("cache_evictions", "Entries evicted, by tier", CacheStats::l2Evictions, "tier", "l2");
    count("cache_corrupt_entries", "Entries dropped because their seal did not verify", CacheStats::corruptEntries);
    count("cache_http_requests", "HTTP cache requests, by result", CacheStats::httpHits, "result", "hit");
    count("cache_http_requests", "HTTP cache requests, by result", CacheStats::httpMisses, "result", "miss");
    count("cache_http_requests", "HTTP cache requests, by result", CacheStats::httpPuts, "result", "put");
    gauge("cache_bytes", "Bytes held, by tier", CacheStats::l1Bytes, "tier", "l1");
    gauge("cache_bytes", "Bytes held, by tier", CacheStats::l2Bytes, "tier", "l2");
    gauge("cache_entries", "Entries held, by tier", CacheStats::l1Entries, "tier", "l1");
    gauge("cache_entries", "Entries held, by tier", CacheStats::l2Entries, "tier", "l2");
  }

  private void count(String name, String help, ToLongFunction<CacheStats> f, String... tags) {
    meters.count(name, help, () -> last == null ? 0 : f.applyAsLong(last), tags);
  }

  private void gauge(String name, String help, ToLongFunction<CacheStats> f, String... tags) {
    meters.gauge(name, help, () -> last == null ? 0 : f.applyAsLong(last), tags);
  }

  void update(CacheStats stats) {
    last = stats;
  }

  @Override
  public void close() {
    meters.close();
  }
}
