package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * A delegate asks for compile slots on servants that have its compiler.
 *
 * @param requestorHost the delegate's machine: the policy uses it only as a last resort
 * @param immediate grants wanted now; the call waits up to waitMs for the first one
 * @param prefetch spare grants wanted on top, never waited for once a grant was found
 * @param leaseMs initial lease of each grant; renewed by keep-alive
 */
public record GrantRequest(
    String token,
    String requestorHost,
    String compilerDigest,
    int immediate,
    int prefetch,
    long waitMs,
    long leaseMs,
    int minVersion) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("token", token)
        .put("requestorHost", requestorHost)
        .put("compilerDigest", compilerDigest)
        .put("immediate", immediate)
        .put("prefetch", prefetch)
        .put("waitMs", waitMs)
        .put("leaseMs", leaseMs)
        .put("minVersion", minVersion);
  }

  public static GrantRequest fromJson(JsonObject j) {
    return new GrantRequest(
        j.getString("token", ""),
        j.getString("requestorHost", ""),
        j.getString("compilerDigest", ""),
        j.getInteger("immediate", 0),
        j.getInteger("prefetch", 0),
        j.getLong("waitMs", 0L),
        j.getLong("leaseMs", 0L),
        j.getInteger("minVersion", 0));
  }
}
