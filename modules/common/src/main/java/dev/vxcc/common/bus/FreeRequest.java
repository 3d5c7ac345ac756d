package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

public record FreeRequest(String token, List<Long> grantIds) {
  public JsonObject toJson() {
    return new JsonObject().put("token", token).put("grantIds", Json.array(grantIds, l -> l));
  }

  public static FreeRequest fromJson(JsonObject j) {
    return new FreeRequest(j.getString("token", ""), Json.longs(j, "grantIds"));
  }
}
