package dev.vxcc.daemon.local;

import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.ResultCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * What {@code vxcc --stats} shows: the delegate's counters and quota, the cache client's, the
 * cluster view and how old it is, and this node's servant (asked over the local event bus, left
 * out when it does not answer in time).
 */
final class StatsReport {
  private final Vertx vertx;
  private final DelegateStats stats;
  private final LocalQuota quota;
  private final CompileFlow flow;
  private final ResultCache cache;
  private final ClusterViewKeeper cluster;

  StatsReport(Vertx vertx, DelegateStats stats, LocalQuota quota, CompileFlow flow, ResultCache cache, ClusterViewKeeper cluster) {
    this.vertx = vertx;
    this.stats = stats;
    this.quota = quota;
    this.flow = flow;
    this.cache = cache;
    this.cluster = cluster;
  }

  Future<LocalReply> reply(boolean json) {
    Object servantId = vertx.sharedData().getLocalMap(NodeKeys.MAP).get(NodeKeys.SERVANT_ID);
    Future<JsonObject> servant = servantId == null ? Future.succeededFuture(null)
        : vertx.eventBus().<JsonObject>request(DaemonConstants.SERVANT_STATS_ADDRESS_PREFIX + servantId, null, new DeliveryOptions().setSendTimeout(DaemonConstants.SERVANT_STATS_TIMEOUT_MS))
            .map(m -> m.body())
            .otherwise((JsonObject) null);
    return servant.map(v -> render(json, v));
  }

  private LocalReply render(boolean json, JsonObject servant) {
    JsonObject j = stats.toJson()
        .put("localSlots", quota.maxHeavy())
        .put("localRunning", quota.holders())
        .put("waitingHeavy", quota.waiting(false))
        .put("waitingLight", quota.waiting(true))
        .put("tasksInFlight", flow.tasks().size())
        .put("cache", cache.stats());
    if (servant != null) {
      j.put("servant", servant);
    }
    ClusterView v = cluster.latest();
    j.put("clusterViewAgeMs", cluster.ageMillis()).put("clusterViewError", cluster.lastError());
    if (v != null) {
      j.put("cluster", v.toJson().getJsonArray("servants"));
      j.put("clusterRunningTasks", v.runningTasks().size());
    }
    if (json) {
      return LocalReply.ok("application/json", Buffer.buffer(j.encodePrettily() + "\n"));
    }
    return LocalReply.ok("text/plain", Buffer.buffer(StatsText.render(stats, quota, servant, v, flow.verdicts().compilerNames())));
  }
}
