package dev.vxcc.daemon.local;

import static dev.vxcc.daemon.DaemonConstants.VIEW_REQUEST_TIMEOUT_MS;
import static dev.vxcc.daemon.DaemonConstants.VIEW_STALE_MS;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.SchedulerBus;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.bus.JsonBody;
import dev.vxcc.common.bus.RunningTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the delegate knows of the cluster, from the scheduler's view (yadcc's RunningTaskKeeper and
 * ConfigKeeper in one): tasks running on servants by digest, compilers some servant has, the
 * serving token, and how fresh all that is. The one source of the serving token: the newest one
 * the scheduler gave, with a view or with grants. Written on the delegate's event loop.
 */
final class ClusterViewKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterViewKeeper.class);

  private final Vertx vertx;
  private final String token;
  private final InstantSource clock;
  private volatile ClusterView view;
  private volatile Set<String> compilers;
  private volatile Map<String, RunningTask> runningByDigest = Map.of();
  private volatile long viewAt;
  private volatile String lastError = "";
  private volatile String servingToken = "";

  ClusterViewKeeper(Vertx vertx, String token, InstantSource clock) {
    this.vertx = vertx;
    this.token = token;
    this.clock = clock;
  }

  /** Asks the scheduler for its view; never fails (a failure is kept as {@link #lastError()}). */
  Future<Void> refresh() {
    return SchedulerBus.request(vertx, Addresses.SCHEDULER_VIEW, new JsonObject().put("token", token),
            new DeliveryOptions().setSendTimeout(VIEW_REQUEST_TIMEOUT_MS))
        .map(m -> ClusterView.fromJson(JsonBody.of(m)))
        .onSuccess(this::accept)
        .onFailure(this::failed)
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** In {@link #compilers}: some servant runs source-tree tasks with this compiler. */
  static String sourceTreeKey(String compilerDigest) {
    return ServantHeartbeat.SOURCE_TREE + "/" + compilerDigest;
  }

  /**
   * In {@link #compilers}: every servant with this compiler runs source trees, so sending all its
   * compiles as trees leaves none of them idle.
   */
  static String onlyTreesKey(String compilerDigest) {
    return ServantHeartbeat.SOURCE_TREE + "-only/" + compilerDigest;
  }

  void accept(ClusterView v) {
    Set<String> seen = new HashSet<>();
    Set<String> textOnly = new HashSet<>();
    for (Object o : v.servants()) {
      JsonObject s = (JsonObject) o;
      if (s.getInteger("maxTasks", 0) > 0) {
        boolean trees = s.getJsonArray("capabilities", new JsonArray()).contains(ServantHeartbeat.SOURCE_TREE);
        s.getJsonArray("compilerDigests", new JsonArray()).forEach(d -> {
          seen.add(d.toString());
          if (trees) {
            seen.add(sourceTreeKey(d.toString()));
          } else {
            textOnly.add(d.toString());
          }
        });
      }
    }
    List<String> allTrees = seen.stream().filter(d -> seen.contains(sourceTreeKey(d)) && !textOnly.contains(d)).toList();
    allTrees.forEach(d -> seen.add(onlyTreesKey(d)));
    if (v.warmingUp() && compilers != null && !stale()) {
      // A scheduler that just took over has not heard every servant yet: what we knew still holds.
      seen.addAll(compilers);
    }
    Map<String, RunningTask> running = new HashMap<>();
    v.runningTasks().forEach(t -> running.put(t.taskDigest(), t));
    view = v;
    runningByDigest = Map.copyOf(running);
    compilers = Set.copyOf(seen);
    viewAt = clock.millis();
    lastError = "";
    servingTokenSeen(v.servingToken());
  }

  void failed(Throwable e) {
    LOG.debug("no cluster view: {}", e.getMessage());
    lastError = String.valueOf(e.getMessage());
    // Sharing needs a fresh view: a task that finished long ago must not be joined.
    if (stale()) {
      runningByDigest = Map.of();
    }
  }

  /**
   * A serving token from the scheduler (with a view or a grant reply). The newest wins: servants
   * accept a token a period before delegates are handed it, and one period after.
   */
  void servingTokenSeen(String t) {
    if (t != null && !t.isEmpty()) {
      servingToken = t;
    }
  }

  /** The token servants accept from us now; "" before the scheduler gave one. */
  String servingToken() {
    return servingToken;
  }

  private boolean stale() {
    return clock.millis() - viewAt > VIEW_STALE_MS;
  }

  /** The view, or null when it is too old to act on. */
  ClusterView fresh() {
    return stale() ? null : view;
  }

  /**
   * Milliseconds since the scheduler last answered with a view, or -1 before the first: for
   * --stats, where a resumed or partitioned daemon shows when it reaches the scheduler again.
   */
  long ageMillis() {
    return view == null ? -1 : Math.max(0, clock.millis() - viewAt);
  }

  /** The last view however old, or null before the first: for --stats, which says how things were. */
  ClusterView latest() {
    return view;
  }

  /** Compiler digests some servant has; null while the scheduler is unreachable. */
  Set<String> compilers() {
    return stale() ? null : compilers;
  }

  /** Where the task with this digest runs now, or null when unknown. */
  RunningTask running(String taskDigest) {
    return runningByDigest.get(taskDigest);
  }

  /**
   * Whether a view taken after {@code since} (epoch millis) no longer lists the servant, or marks it
   * suspect: it stopped heartbeating or someone could not reach it. False while the view is stale,
   * which says nothing about any one servant.
   */
  boolean servantGone(String location, long since) {
    ClusterView v = view;
    if (v == null || stale() || viewAt <= since) {
      return false;
    }
    for (Object o : v.servants()) {
      if (o instanceof JsonObject s && location.equals(s.getString("location"))) {
        return s.getBoolean("suspect", false);
      }
    }
    return true;
  }

  /**
   * Whether the current view marks the servant suspect (silent, or reported unreachable). A servant
   * the view does not list is not: it may have joined since, and its grant is good.
   */
  boolean servantSuspect(String location) {
    ClusterView v = view;
    if (v == null || stale()) {
      return false;
    }
    for (Object o : v.servants()) {
      if (o instanceof JsonObject s && location.equals(s.getString("location"))) {
        return s.getBoolean("suspect", false);
      }
    }
    return false;
  }

  /** Why the last refresh failed; "" after a success. */
  String lastError() {
    return lastError;
  }
}
