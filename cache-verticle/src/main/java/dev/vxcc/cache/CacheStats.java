package dev.vxcc.cache;

import dev.vxcc.api.v1.CacheStatsResponse;
import io.vertx.core.json.JsonObject;

/**
 * A snapshot of the cache's counters, for the {@code Stats} RPC and {@link dev.vxcc.cache.client.CacheAddresses#STATS}.
 * The HTTP endpoint's counters (GETs that hit or missed, PUTs stored) appear in the bus answer
 * only: the gRPC message stays as it is. Its entries are also in the L1/L2 counters.
 */
public record CacheStats(
    String engine,
    long l1Hits,
    long l1Misses,
    long l2Hits,
    long l2Misses,
    long puts,
    long l1Entries,
    long l1Bytes,
    long l2Entries,
    long l2Bytes,
    long l1Evictions,
    long l2Evictions,
    long corruptEntries,
    long bloomRebuilds,
    long httpHits,
    long httpMisses,
    long httpPuts) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("engine", engine)
        .put("l1Hits", l1Hits).put("l1Misses", l1Misses)
        .put("l2Hits", l2Hits).put("l2Misses", l2Misses)
        .put("hits", l1Hits + l2Hits).put("misses", l2Misses)
        .put("puts", puts)
        .put("l1Entries", l1Entries).put("l1Bytes", l1Bytes)
        .put("l2Entries", l2Entries).put("l2Bytes", l2Bytes)
        .put("l1Evictions", l1Evictions).put("l2Evictions", l2Evictions)
        .put("corruptEntries", corruptEntries)
        .put("bloomRebuilds", bloomRebuilds)
        .put("httpHits", httpHits).put("httpMisses", httpMisses).put("httpPuts", httpPuts);
  }

  public CacheStatsResponse toProto() {
    return CacheStatsResponse.newBuilder()
        .setEngine(engine)
        .setL1Hits(l1Hits).setL1Misses(l1Misses)
        .setL2Hits(l2Hits).setL2Misses(l2Misses)
        .setPuts(puts)
        .setL1Entries(l1Entries).setL1Bytes(l1Bytes)
        .setL2Entries(l2Entries).setL2Bytes(l2Bytes)
        .setL1Evictions(l1Evictions).setL2Evictions(l2Evictions)
        .setCorruptEntries(corruptEntries)
        .setBloomRebuilds(bloomRebuilds)
        .build();
  }
}
