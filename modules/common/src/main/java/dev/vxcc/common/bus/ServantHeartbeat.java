package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a servant tells the scheduler once a second.
 *
 * @param servantId unique per daemon process; grants name it so the requester can be recognised
 * @param location host:port of the servant's gRPC endpoint
 * @param host the machine, so that daemons on one host count as one machine for the policy
 * @param maxTasks the most tasks it accepts at once; 0 means "not serving" (see notAcceptingReason)
 * @param currentLoad busy CPUs, including the ones our own tasks use
 * @param leaseMs how long the entry stays valid without another heartbeat; 0 means leaving
 * @param nodeId the servant's cluster node, so that the scheduler can drop it the moment the node
 *     leaves the cluster; "" when not clustered or from daemons older than this field
 * @param capabilities kinds of task beyond the ordinary ones this servant runs, e.g. {@link
 *     #SOURCE_TREE}; empty from daemons older than this field, which then get none of those tasks
 * @param foreignLoad busy CPUs that are not the scheduler's tasks, judged by the servant over the
 *     window of currentLoad; negative (unknown) from daemons older than this field, for which the
 *     scheduler judges it from currentLoad and the tasks it counts
 */
public record ServantHeartbeat(
    String token,
    String servantId,
    String location,
    String host,
    int version,
    int numProcessors,
    int maxTasks,
    double currentLoad,
    long totalMemoryBytes,
    long availableMemoryBytes,
    List<String> compilerDigests,
    boolean dedicated,
    String notAcceptingReason,
    List<RunningTask> runningTasks,
    long leaseMs,
    String nodeId,
    List<String> capabilities,
    double foreignLoad) {

  /** The servant compiles source-tree tasks (it could build their namespaces). */
  public static final String SOURCE_TREE = "source-tree";

  public ServantHeartbeat {
    capabilities = List.copyOf(capabilities);
  }

  /** Without its own judgement of foreign load: the scheduler judges it. */
  public ServantHeartbeat(String token, String servantId, String location, String host, int version,
      int numProcessors, int maxTasks, double currentLoad, long totalMemoryBytes, long availableMemoryBytes,
      List<String> compilerDigests, boolean dedicated, String notAcceptingReason, List<RunningTask> runningTasks,
      long leaseMs, String nodeId, List<String> capabilities) {
    this(token, servantId, location, host, version, numProcessors, maxTasks, currentLoad, totalMemoryBytes,
        availableMemoryBytes, compilerDigests, dedicated, notAcceptingReason, runningTasks, leaseMs, nodeId, capabilities, -1);
  }

  /** Without capabilities: ordinary tasks only. */
  public ServantHeartbeat(String token, String servantId, String location, String host, int version,
      int numProcessors, int maxTasks, double currentLoad, long totalMemoryBytes, long availableMemoryBytes,
      List<String> compilerDigests, boolean dedicated, String notAcceptingReason, List<RunningTask> runningTasks,
      long leaseMs, String nodeId) {
    this(token, servantId, location, host, version, numProcessors, maxTasks, currentLoad, totalMemoryBytes,
        availableMemoryBytes, compilerDigests, dedicated, notAcceptingReason, runningTasks, leaseMs, nodeId, List.of());
  }

  /** Without a cluster node id: such a servant leaves the scheduler only by its lease. */
  public ServantHeartbeat(String token, String servantId, String location, String host, int version,
      int numProcessors, int maxTasks, double currentLoad, long totalMemoryBytes, long availableMemoryBytes,
      List<String> compilerDigests, boolean dedicated, String notAcceptingReason, List<RunningTask> runningTasks,
      long leaseMs) {
    this(token, servantId, location, host, version, numProcessors, maxTasks, currentLoad, totalMemoryBytes,
        availableMemoryBytes, compilerDigests, dedicated, notAcceptingReason, runningTasks, leaseMs, "");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("token", token)
        .put("servantId", servantId)
        .put("location", location)
        .put("host", host)
        .put("version", version)
        .put("numProcessors", numProcessors)
        .put("maxTasks", maxTasks)
        .put("currentLoad", currentLoad)
        .put("totalMemoryBytes", totalMemoryBytes)
        .put("availableMemoryBytes", availableMemoryBytes)
        .put("compilerDigests", Json.array(compilerDigests, s -> s))
        .put("dedicated", dedicated)
        .put("notAcceptingReason", notAcceptingReason)
        .put("runningTasks", Json.array(runningTasks, RunningTask::toJson))
        .put("leaseMs", leaseMs)
        .put("nodeId", nodeId)
        .put("capabilities", Json.array(capabilities, c -> c))
        .put("foreignLoad", foreignLoad);
  }

  public static ServantHeartbeat fromJson(JsonObject j) {
    return new ServantHeartbeat(
        j.getString("token", ""),
        j.getString("servantId", ""),
        j.getString("location", ""),
        j.getString("host", ""),
        j.getInteger("version", 0),
        j.getInteger("numProcessors", 0),
        j.getInteger("maxTasks", 0),
        j.getDouble("currentLoad", 0.0),
        j.getLong("totalMemoryBytes", 0L),
        j.getLong("availableMemoryBytes", 0L),
        Json.strings(j, "compilerDigests"),
        j.getBoolean("dedicated", false),
        j.getString("notAcceptingReason", ""),
        Json.list(j.getJsonArray("runningTasks"), o -> RunningTask.fromJson(Json.obj(o))),
        j.getLong("leaseMs", 0L),
        j.getString("nodeId", ""),
        Json.strings(j, "capabilities"),
        j.getDouble("foreignLoad", -1.0));
  }
}
