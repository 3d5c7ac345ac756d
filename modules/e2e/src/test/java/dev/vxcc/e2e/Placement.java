package dev.vxcc.e2e;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the compiles between two {@code vxcc --stats --json} snapshots ran: remotely, locally by
 * reason (links, which are never compiles, apart), and how many ran twice other than after a failure of ours.
 */
record Placement(long remote, long localCompiles, Map<String, Long> reasons, long links, long repeated) {
  static Placement between(JsonObject before, JsonObject after) {
    long remote = after.getLong("remote") - before.getLong("remote");
    Map<String, Long> reasons = new TreeMap<>();
    JsonObject rb = before.getJsonObject("localByReason");
    after.getJsonObject("localByReason").forEach(e -> {
      long d = ((Number) e.getValue()).longValue() - rb.getLong(e.getKey(), 0L);
      if (d > 0) {
        reasons.put(e.getKey(), d);
      }
    });
    long links = reasons.getOrDefault("not-a-compile", 0L);
    long local = reasons.values().stream().mapToLong(Long::longValue).sum() - links;
    long cacheHits = after.getLong("cacheHits", 0L) - before.getLong("cacheHits", 0L);
    if (cacheHits > 0) {
      reasons.put("(cache hits!)", cacheHits);
    }
    // A compile redone after a failure of ours (a servant lost, a retry) is allowed; any other is not.
    long repeated = after.getLong("repeated", 0L) - before.getLong("repeated", 0L)
        - (after.getLong("repeatedAfterOurFailures", 0L) - before.getLong("repeatedAfterOurFailures", 0L));
    return new Placement(remote, local, reasons, links, repeated);
  }
}
