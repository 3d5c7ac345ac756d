package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** @param servingToken the token to present to servants when using these grants */
public record GrantReply(List<Grant> grants, String servingToken) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("grants", Json.array(grants, Grant::toJson))
        .put("servingToken", servingToken);
  }

  public static GrantReply fromJson(JsonObject j) {
    return new GrantReply(
        Json.list(j.getJsonArray("grants"), o -> Grant.fromJson(Json.obj(o))),
        j.getString("servingToken", ""));
  }
}
