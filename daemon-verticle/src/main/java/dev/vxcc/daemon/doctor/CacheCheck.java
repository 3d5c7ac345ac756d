package dev.vxcc.daemon.doctor;

import io.vertx.core.json.JsonObject;

/** The shared cache as this daemon sees it: found, and answering with our token. */
public final class CacheCheck {
  private CacheCheck() {}

  /** @param stats {@code ResultCache.stats()}: location, bloomFresh, lastError */
  public static Check check(JsonObject stats) {
    String location = stats.getString("location");
    String error = stats.getString("lastError", "");
    if (location != null && stats.getBoolean("bloomFresh", false)) {
      return Check.ok("cache", "reachable at " + location + ", token accepted");
    }
    if (error.contains("invalid token") || error.contains("PERMISSION_DENIED")) {
      return Check.fail("cache", "the cache refused this daemon's token (" + error + "): put this daemon's daemon.token"
          + " in the cache node's cache.userTokens (and cache.servantTokens if this node also serves)");
    }
    if (location != null) {
      return Check.warn("cache", "found at " + location + " but it has not answered yet"
          + (error.isEmpty() ? "" : " (" + error + ")") + ": run `vxcc doctor` again in a few seconds");
    }
    return Check.warn("cache", "no shared cache found" + (error.isEmpty() ? "" : " (last error: " + error + ")")
        + ": results are not shared: start `vxcc-node run cache` (or `run all`) on a cluster node");
  }
}
