package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

public record KeepAliveRequest(String token, List<Long> grantIds, long leaseMs) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("token", token)
        .put("grantIds", Json.array(grantIds, l -> l))
        .put("leaseMs", leaseMs);
  }

  public static KeepAliveRequest fromJson(JsonObject j) {
    return new KeepAliveRequest(j.getString("token", ""), Json.longs(j, "grantIds"), j.getLong("leaseMs", 0L));
  }
}
