package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** One flag per requested grant id, same order: false if the grant is unknown or expired. */
public record KeepAliveReply(List<Boolean> alive) {
  public JsonObject toJson() {
    return new JsonObject().put("alive", Json.array(alive, b -> b));
  }

  public static KeepAliveReply fromJson(JsonObject j) {
    return new KeepAliveReply(Json.list(j.getJsonArray("alive"), o -> (Boolean) o));
  }
}
