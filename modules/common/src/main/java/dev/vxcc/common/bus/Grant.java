package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;

/** A leased slot on one servant. Grant ids start at 1; 0 never names a grant. */
public record Grant(long grantId, String servantId, String location) {
  public JsonObject toJson() {
    return new JsonObject().put("grantId", grantId).put("servantId", servantId).put("location", location);
  }

  public static Grant fromJson(JsonObject j) {
    return new Grant(j.getLong("grantId", 0L), j.getString("servantId", ""), j.getString("location", ""));
  }
}
