package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Whether a task compiles in place on this node's own servant instead of going through the
 * scheduler: only when that servant is the only one in the cluster that could take it. Then a
 * grant, an upload and a servant slot would buy nothing but latency (on one machine the servant's
 * slots are a share of the CPUs, and every task would wait for one). Any other servant with the
 * compiler that serves at all (maxTasks above 0) keeps the cluster policy as it is.
 */
final class InPlacePolicy {
  private InPlacePolicy() {}

  /**
   * @param view the scheduler's latest view, null when there is none (then nothing is decided here)
   * @param ownLocation where this node's servant serves, null when it has none
   */
  static boolean inPlace(ClusterView view, String compilerDigest, String ownLocation) {
    if (view == null || ownLocation == null) {
      return false;
    }
    boolean own = false;
    for (Object o : view.servants()) {
      if (!(o instanceof JsonObject s) || !has(s.getJsonArray("compilerDigests"), compilerDigest)) {
        continue;
      }
      if (ownLocation.equals(s.getString("location"))) {
        own = true;
      } else if (s.getInteger("maxTasks", 0) > 0) {
        // Willing to serve, even if busy right now: a momentary capacity of 0 must not flip the policy.
        return false;
      }
    }
    return own;
  }

  private static boolean has(JsonArray digests, String digest) {
    return digests != null && digests.contains(digest);
  }
}
