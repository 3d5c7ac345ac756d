package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Renews grants. Only grants issued to this token and {@link GrantRequest#requestorId} are renewed;
 * the reply flags any other id as not alive, exactly like an unknown one.
 */
public record KeepAliveRequest(String token, List<Long> grantIds, long leaseMs, String requestorId) {
  public KeepAliveRequest(String token, List<Long> grantIds, long leaseMs) {
    this(token, grantIds, leaseMs, "");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("token", token)
        .put("grantIds", Json.array(grantIds, l -> l))
        .put("leaseMs", leaseMs)
        .put("requestorId", requestorId);
  }

  public static KeepAliveRequest fromJson(JsonObject j) {
    return new KeepAliveRequest(j.getString("token", ""), Json.longs(j, "grantIds"), j.getLong("leaseMs", 0L),
        j.getString("requestorId", ""));
  }
}
