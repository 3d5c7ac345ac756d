package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;

/**
 * A delegate could not reach a servant it was granted (connection refused, transport failure), so
 * the scheduler should stop granting it at once instead of waiting for its lease to run out.
 *
 * @param token a user token, as for grants
 * @param servantId the id the grant named
 * @param location the location the grant named; must match the servant's, so a stale report about a
 *     restarted servant on another port has no effect
 * @param reason what failed, for the scheduler's log
 */
public record UnreachableReport(String token, String servantId, String location, String reason) {
  /** The reason only reaches a log line: bounded, and without control characters that could forge lines. */
  static final int MAX_REASON_CHARS = 200;

  public UnreachableReport {
    reason = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ");
    if (reason.length() > MAX_REASON_CHARS) {
      reason = reason.substring(0, MAX_REASON_CHARS) + "...";
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("token", token)
        .put("servantId", servantId)
        .put("location", location)
        .put("reason", reason);
  }

  public static UnreachableReport fromJson(JsonObject j) {
    return new UnreachableReport(
        j.getString("token", ""),
        j.getString("servantId", ""),
        j.getString("location", ""),
        j.getString("reason", ""));
  }
}
