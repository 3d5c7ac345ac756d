package dev.vxcc.daemon.local;

import dev.vxcc.daemon.DaemonConfig;
import io.vertx.core.json.JsonObject;

/**
 * Straggler hedging, from the {@code "daemon"} section (hedge* keys, see conf/vxcc.json).
 *
 * @param multiple a remote task running longer than this many times its expected duration is
 *     duplicated on another servant; 0 turns time-based hedging off (a task whose servant vanished
 *     from the cluster view is still duplicated)
 * @param minMs never hedge a task younger than this, however short its expected duration: starting a
 *     duplicate costs a grant and a source upload
 * @param maxInFlight duplicates running at a time; 0 turns hedging off entirely
 */
record HedgeConfig(double multiple, long minMs, int maxInFlight) {
  static HedgeConfig fromNodeConfig(JsonObject nodeConfig) {
    JsonObject j = nodeConfig.getJsonObject(DaemonConfig.SECTION, new JsonObject());
    double multiple = j.getDouble("hedgeMultiple", 3.0);
    long minMs = j.getLong("hedgeMinMs", 5_000L);
    int max = j.getInteger("hedgeMaxInFlight", 8);
    if (multiple != 0 && (multiple < 1.5 || multiple > 100)) {
      throw new IllegalArgumentException("daemon.hedgeMultiple must be 0 (off) or 1.5..100, got " + multiple);
    }
    if (minMs < 0) {
      throw new IllegalArgumentException("daemon.hedgeMinMs must be >= 0, got " + minMs);
    }
    if (max < 0) {
      throw new IllegalArgumentException("daemon.hedgeMaxInFlight must be >= 0, got " + max);
    }
    return new HedgeConfig(multiple, minMs, max);
  }

  /** Epoch millis past which a task started at {@code startedAt} straggles, or MAX_VALUE for never. */
  long deadline(long startedAt, java.util.OptionalLong expectedMs) {
    if (multiple == 0 || maxInFlight == 0 || expectedMs.isEmpty()) {
      return Long.MAX_VALUE;
    }
    return startedAt + Math.max(minMs, (long) Math.ceil(multiple * expectedMs.getAsLong()));
  }
}
