package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Frees grants; like keep-alive, only the holder's own (token and requestor id) are touched. */
public record FreeRequest(String token, List<Long> grantIds, String requestorId) {
  public FreeRequest(String token, List<Long> grantIds) {
    this(token, grantIds, "");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("token", token)
        .put("grantIds", Json.array(grantIds, l -> l))
        .put("requestorId", requestorId);
  }

  public static FreeRequest fromJson(JsonObject j) {
    return new FreeRequest(j.getString("token", ""), Json.longs(j, "grantIds"), j.getString("requestorId", ""));
  }
}
