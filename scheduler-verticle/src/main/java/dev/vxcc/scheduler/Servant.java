package dev.vxcc.scheduler;

import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.bus.ServantHeartbeat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One servant as the scheduler sees it: the last heartbeat (after overrides) plus the bookkeeping the
 * scheduler owns. The heartbeat is replaced wholesale; {@link #running} survives because only the
 * scheduler knows how many of its grants point here.
 */
final class Servant {
  static final String LEAVING = "LEAVING";

  private final String servantId;
  private final long registrationOrder;
  private ServantHeartbeat heartbeat;
  private int maxTasks;
  private String notAcceptingReason;
  private Instant expiresAt;
  private int running;
  /** Busy CPUs that are not our tasks, judged when the heartbeat arrived (see {@link #update}). */
  private double foreignLoad;
  private long everAssigned;
  private List<RunningTask> reportedTasks = List.of();
  /**
   * A delegate could not reach it, or it fell silent: no grants until its next heartbeat, which a live
   * servant sends within its heartbeat period and a dead one never does. Bounded so, a report cannot
   * evict for good.
   */
  private boolean suspect;
  /** When its last heartbeat arrived, and the period its heartbeats have kept lately (see {@link #silent}). */
  private Instant heardAt;
  private long periodMs;

  Servant(String servantId, long registrationOrder) {
    this.servantId = servantId;
    this.registrationOrder = registrationOrder;
  }

  /**
   * @param maxTasks the servant's own limit after the scheduler's overrides (0 when leaving)
   * @param notAcceptingReason why maxTasks is 0, if the scheduler or the servant says so
   */
  void update(ServantHeartbeat hb, int maxTasks, String notAcceptingReason, Instant heardAt, Instant expiresAt) {
    if (this.heardAt != null) {
      long gap = Math.max(Duration.between(this.heardAt, heardAt).toMillis(), 0);
      // Falls at once, rises slowly: one late heartbeat (its own freeze, say) must not make the next
      // silence look normal for long.
      periodMs = periodMs == 0 || gap < periodMs ? gap : (periodMs * 7 + gap) / 8;
    }
    this.heardAt = heardAt;
    this.heartbeat = hb;
    // The servant's own judgement, over the window its load was measured in, when it gives one. Else
    // judged now, against the tasks we count now, and kept until the next heartbeat: judged later, a
    // task freed since the servant measured its load would count as a stranger's until that next
    // heartbeat, and under steady churn every slot freed between heartbeats would stay blocked. The
    // servant's own list covers tasks an earlier scheduler granted, which we count only once adopted.
    this.foreignLoad = hb.foreignLoad() >= 0 ? hb.foreignLoad()
        : Math.max(hb.currentLoad() - Math.max(running, hb.runningTasks().size()), 0);
    this.maxTasks = maxTasks;
    this.notAcceptingReason = notAcceptingReason;
    this.expiresAt = expiresAt;
    this.suspect = false;
  }

  /**
   * Whether it has been silent for longer than a few of its own heartbeat periods (and at least
   * {@code minSilenceMs}): a frozen or cut-off servant, whose tasks are better duplicated elsewhere
   * than waited for until its lease runs out.
   */
  boolean silent(Instant now, long minSilenceMs) {
    long limit = Math.max(minSilenceMs, 3 * periodMs);
    return heardAt != null && Duration.between(heardAt, now).toMillis() > limit;
  }

  long silentForMs(Instant now) {
    return heardAt == null ? 0 : Duration.between(heardAt, now).toMillis();
  }

  /** Only through {@link ServantRegistry#suspect}, which keeps the index in step. */
  void suspect() {
    suspect = true;
  }

  boolean isSuspect() {
    return suspect;
  }

  /**
   * How many tasks this servant may run in total right now, counting the ones it already runs.
   * Load not caused by our grants (someone compiling locally) shrinks it; so does low memory.
   * Grants made or freed since the last heartbeat do not change what counts as foreign.
   */
  int capacity(long minMemoryBytes) {
    if (heartbeat.totalMemoryBytes() > 0 && heartbeat.availableMemoryBytes() < minMemoryBytes) {
      return running;
    }
    double idle = Math.max(processors() - foreignLoad, 0);
    return (int) Math.min(maxTasks, Math.floor(idle));
  }

  /** A servant that does not know its CPU count is trusted to have as many as it accepts tasks. */
  int processors() {
    return heartbeat.numProcessors() > 0 ? heartbeat.numProcessors() : maxTasks;
  }

  boolean isFree(long minMemoryBytes) {
    return running < capacity(minMemoryBytes);
  }

  /** Only through {@link ServantRegistry#assigned}, which keeps the index in step. */
  void assigned() {
    running++;
    everAssigned++;
  }

  /** Only through {@link ServantRegistry#released}, which keeps the index in step. */
  void released() {
    // Never below zero: a grant could be freed twice if a heartbeat and a free race on the bus.
    running = Math.max(running - 1, 0);
  }

  JsonObject summary(long minMemoryBytes) {
    return new JsonObject()
        .put("servantId", servantId)
        .put("location", heartbeat.location())
        .put("host", heartbeat.host())
        .put("version", heartbeat.version())
        .put("numProcessors", heartbeat.numProcessors())
        .put("maxTasks", maxTasks)
        .put("capacity", capacity(minMemoryBytes))
        .put("running", running)
        .put("currentLoad", heartbeat.currentLoad())
        .put("foreignLoad", foreignLoad)
        .put("dedicated", heartbeat.dedicated())
        .put("compilerDigests", new JsonArray(List.copyOf(heartbeat.compilerDigests())))
        .put("capabilities", new JsonArray(List.copyOf(heartbeat.capabilities())))
        .put("notAcceptingReason", notAcceptingReason)
        .put("suspect", suspect)
        .put("everAssigned", everAssigned);
  }

  String id() {
    return servantId;
  }

  long registrationOrder() {
    return registrationOrder;
  }

  ServantHeartbeat heartbeat() {
    return heartbeat;
  }

  int maxTasks() {
    return maxTasks;
  }

  Instant expiresAt() {
    return expiresAt;
  }

  int running() {
    return running;
  }

  long everAssigned() {
    return everAssigned;
  }

  List<RunningTask> reportedTasks() {
    return reportedTasks;
  }

  void reportedTasks(List<RunningTask> tasks) {
    this.reportedTasks = List.copyOf(tasks);
  }
}
