package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;

/** A task held by a servant's execution engine, as reported in heartbeats. */
public record RunningTask(long grantId, long servantTaskId, String servantLocation, String taskDigest) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("grantId", grantId)
        .put("servantTaskId", servantTaskId)
        .put("servantLocation", servantLocation)
        .put("taskDigest", taskDigest);
  }

  public static RunningTask fromJson(JsonObject j) {
    return new RunningTask(
        j.getLong("grantId", 0L),
        j.getLong("servantTaskId", 0L),
        j.getString("servantLocation", ""),
        j.getString("taskDigest", ""));
  }
}
