package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A delegate asks for compile slots on servants that have its compiler.
 *
 * @param requestorHost the delegate's machine: the policy uses it only as a last resort
 * @param immediate grants wanted now; the call waits up to waitMs for the first one
 * @param prefetch spare grants wanted on top, never waited for once a grant was found
 * @param leaseMs initial lease of each grant; renewed by keep-alive
 * @param requestorId a random id the delegate draws once per process and shows to nobody but the
 *     scheduler: only the same token with the same id may renew or free the grants (see
 *     {@link KeepAliveRequest}); "" from delegates older than this field
 * @param excludeLocations servants (by location) the delegate has just seen fail: granted only if
 *     nothing else can run the task; empty from delegates older than this field
 * @param sourceTree the grants are for source-tree tasks: only servants advertising {@link
 *     ServantHeartbeat#SOURCE_TREE} qualify; false from delegates older than this field
 */
public record GrantRequest(
    String token,
    String requestorHost,
    String compilerDigest,
    int immediate,
    int prefetch,
    long waitMs,
    long leaseMs,
    int minVersion,
    String requestorId,
    List<String> excludeLocations,
    boolean sourceTree) {

  public GrantRequest {
    excludeLocations = List.copyOf(excludeLocations);
  }

  /** For ordinary tasks. */
  public GrantRequest(String token, String requestorHost, String compilerDigest, int immediate, int prefetch,
      long waitMs, long leaseMs, int minVersion, String requestorId, List<String> excludeLocations) {
    this(token, requestorHost, compilerDigest, immediate, prefetch, waitMs, leaseMs, minVersion, requestorId,
        excludeLocations, false);
  }

  /** Excluding no servant. */
  public GrantRequest(String token, String requestorHost, String compilerDigest, int immediate, int prefetch,
      long waitMs, long leaseMs, int minVersion, String requestorId) {
    this(token, requestorHost, compilerDigest, immediate, prefetch, waitMs, leaseMs, minVersion, requestorId, List.of());
  }

  /** Without a requestor id: the grants are then shared by every holder of the token that sends none. */
  public GrantRequest(String token, String requestorHost, String compilerDigest, int immediate, int prefetch,
      long waitMs, long leaseMs, int minVersion) {
    this(token, requestorHost, compilerDigest, immediate, prefetch, waitMs, leaseMs, minVersion, "");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("token", token)
        .put("requestorHost", requestorHost)
        .put("compilerDigest", compilerDigest)
        .put("immediate", immediate)
        .put("prefetch", prefetch)
        .put("waitMs", waitMs)
        .put("leaseMs", leaseMs)
        .put("minVersion", minVersion)
        .put("requestorId", requestorId)
        .put("excludeLocations", Json.array(excludeLocations, l -> l))
        .put("sourceTree", sourceTree);
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
        j.getInteger("minVersion", 0),
        j.getString("requestorId", ""),
        Json.strings(j, "excludeLocations"),
        j.getBoolean("sourceTree", false));
  }
}
