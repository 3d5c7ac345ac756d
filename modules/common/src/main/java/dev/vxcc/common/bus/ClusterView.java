package dev.vxcc.common.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The scheduler's picture of the cluster, for dashboards, {@code vxcc --stats} and in-flight sharing.
 *
 * @param servants one JSON object per live servant (location, capacity, running, compilers, ...)
 * @param runningTasks every task the servants reported, filtered to grants the scheduler knows; empty
 *     unless the request carried a valid token (task digests tell what others are compiling)
 * @param servingToken the token servants accept from delegates; only given to a request that
 *     carried a valid user token (a delegate that never held a grant needs it to join a task)
 * @param warmingUp the scheduler just became active and may not have heard every servant yet: a
 *     compiler missing from this view may still be offered, so readers should not conclude it is not
 */
public record ClusterView(JsonArray servants, List<RunningTask> runningTasks, String servingToken, boolean warmingUp) {
  public ClusterView(JsonArray servants, List<RunningTask> runningTasks) {
    this(servants, runningTasks, "");
  }

  public ClusterView(JsonArray servants, List<RunningTask> runningTasks, String servingToken) {
    this(servants, runningTasks, servingToken, false);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("servants", servants)
        .put("runningTasks", Json.array(runningTasks, RunningTask::toJson))
        .put("servingToken", servingToken)
        .put("warmingUp", warmingUp);
  }

  public static ClusterView fromJson(JsonObject j) {
    return new ClusterView(
        j.getJsonArray("servants", new JsonArray()),
        Json.list(j.getJsonArray("runningTasks"), o -> RunningTask.fromJson(Json.obj(o))),
        j.getString("servingToken", ""),
        j.getBoolean("warmingUp", false));
  }
}
