package dev.vxcc.scheduler;

import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.bus.UnreachableReport;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Builders for the scheduler's messages, with values that pass validation unless a test overrides them. */
final class Fixtures {
  static final String USER = "user-token";
  static final String SERVANT = "servant-token";
  static final String GCC = "digest-gcc";
  static final String CLANG = "digest-clang";

  private Fixtures() {}

  static SchedulerConfig config() {
    return SchedulerConfig.fromJson(new JsonObject()
        .put("userTokens", List.of(USER))
        .put("servantTokens", List.of(SERVANT)));
  }

  static HeartbeatBuilder servant(String id) {
    return new HeartbeatBuilder(id);
  }

  static GrantRequest request(int immediate, int prefetch, long waitMs) {
    return request(GCC, "delegate-host", immediate, prefetch, waitMs);
  }

  static GrantRequest request(String digest, String host, int immediate, int prefetch, long waitMs) {
    return new GrantRequest(USER, host, digest, immediate, prefetch, waitMs, 15_000, 0);
  }

  /** Grants for source-tree tasks with {@code digest}. */
  static GrantRequest treeRequest(String digest, int immediate, long waitMs) {
    return new GrantRequest(USER, "delegate-host", digest, immediate, 0, waitMs, 15_000, 0, "", List.of(), true);
  }

  /** One grant for gcc now, never waiting for another servant than the excluded ones unless it must. */
  static GrantRequest excluding(long waitMs, String... locations) {
    return new GrantRequest(USER, "delegate-host", GCC, 1, 0, waitMs, 15_000, 0, "", List.of(locations));
  }

  static UnreachableReport unreachable(String servantId) {
    return new UnreachableReport(USER, servantId, servantId + ":8335", "connection refused");
  }

  static KeepAliveRequest keepAlive(List<Long> ids) {
    return new KeepAliveRequest(USER, ids, 10_000);
  }

  static FreeRequest free(Long... ids) {
    return new FreeRequest(USER, List.of(ids));
  }

  static RunningTask task(long grantId) {
    return new RunningTask(grantId, grantId + 1000, "loc", "task-digest");
  }

  static final class HeartbeatBuilder {
    String token = SERVANT;
    final String id;
    String host;
    int version = 1;
    int numProcessors = 16;
    int maxTasks = 8;
    double load = 0;
    long totalMemory = 0;
    long availableMemory = 0;
    List<String> digests = List.of(GCC);
    boolean dedicated = false;
    List<RunningTask> tasks = new ArrayList<>();
    long leaseMs = 10_000;
    String nodeId = "";
    List<String> capabilities = List.of();
    double foreign = -1;

    HeartbeatBuilder(String id) {
      this.id = id;
      this.host = id + "-host";
    }

    HeartbeatBuilder token(String v) { token = v; return this; }
    HeartbeatBuilder host(String v) { host = v; return this; }
    HeartbeatBuilder version(int v) { version = v; return this; }
    HeartbeatBuilder cpus(int v) { numProcessors = v; return this; }
    HeartbeatBuilder maxTasks(int v) { maxTasks = v; return this; }
    HeartbeatBuilder load(double v) { load = v; return this; }
    HeartbeatBuilder foreign(double v) { foreign = v; return this; }
    HeartbeatBuilder memory(long total, long available) { totalMemory = total; availableMemory = available; return this; }
    HeartbeatBuilder digests(String... v) { digests = List.of(v); return this; }
    HeartbeatBuilder dedicated(boolean v) { dedicated = v; return this; }
    HeartbeatBuilder tasks(RunningTask... v) { tasks = List.of(v); return this; }
    HeartbeatBuilder leaseMs(long v) { leaseMs = v; return this; }
    HeartbeatBuilder node(String v) { nodeId = v; return this; }
    HeartbeatBuilder sourceTree() { capabilities = List.of(ServantHeartbeat.SOURCE_TREE); return this; }

    ServantHeartbeat build() {
      return new ServantHeartbeat(token, id, id + ":8335", host, version, numProcessors, maxTasks, load,
          totalMemory, availableMemory, digests, dedicated, "", tasks, leaseMs, nodeId, capabilities, foreign);
    }
  }
}
