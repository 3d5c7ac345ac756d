package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.HeartbeatReply;
import dev.vxcc.common.bus.KeepAliveReply;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.bus.UnreachableReport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The scheduler as the daemon's verticles see it on the event bus, scripted by a test: grants go
 * to the servant locations the test lines up, every call is recorded, and it misbehaves on request
 * (keep-alives refused, grants reported expired, running tasks offered for sharing). Like the real
 * one, it skips servants reported unreachable and those a request excludes, unless the test lined up
 * grants explicitly (which then stand for a scheduler that ignores both). Tests await
 * what it saw with {@link #until}, which is re-checked after every recorded call.
 */
final class FakeScheduler extends VerticleBase {
  static final String SERVING_TOKEN = "serving-token";

  private record Check(BooleanSupplier condition, Promise<Void> met) {}

  private final String compilerDigest;
  private final Deque<String> grantPlan = new ArrayDeque<>();
  private final List<String> servants = new ArrayList<>();
  private final Set<Long> expired = new HashSet<>();
  private final List<Grant> granted = new ArrayList<>();
  private final List<Long> freed = new ArrayList<>();
  private final List<Long> keptAlive = new ArrayList<>();
  private final Map<String, ServantHeartbeat> lastBeat = new HashMap<>();
  private int sourceTreeRequests;
  private final Map<String, Integer> beats = new HashMap<>();
  private final Map<String, Integer> views = new HashMap<>();
  private final List<Check> checks = new ArrayList<>();
  private final List<String> unreachable = new ArrayList<>();
  private final List<List<String>> exclusions = new ArrayList<>();
  private final Set<String> silenced = new HashSet<>();
  private long nextGrantId = 1;
  private boolean keepAliveRefused;
  private boolean shareRunning;

  /** @param compilerDigest the one compiler every servant in the view has */
  FakeScheduler(String compilerDigest) {
    this.compilerDigest = compilerDigest;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_HEARTBEAT, m -> m.reply(onHeartbeat(ServantHeartbeat.fromJson(m.body())).toJson()));
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_GRANT, m -> m.reply(onGrant(GrantRequest.fromJson(m.body())).toJson()));
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_KEEP_ALIVE, m -> m.reply(onKeepAlive(KeepAliveRequest.fromJson(m.body())).toJson()));
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_FREE, m -> {
      onFree(FreeRequest.fromJson(m.body()));
      m.reply(new JsonObject());
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_SERVANT_UNREACHABLE, m -> {
      onUnreachable(UnreachableReport.fromJson(m.body()));
      m.reply(new JsonObject());
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULER_VIEW, m -> m.reply(onView(m.body().getString("token", "")).toJson()));
    return Future.succeededFuture();
  }

  // ---- what the test scripts ----

  /**
   * Servants the view lists as having the compiler, and where grants go once the plan is used up: the
   * first one neither reported unreachable nor excluded by the request, else the first.
   */
  synchronized void servants(String... locations) {
    servants.clear();
    servants.addAll(List.of(locations));
  }

  /** The next grants, in order, whatever the request asked for. */
  synchronized void grantOn(String... locations) {
    grantPlan.addAll(List.of(locations));
  }

  /** From now on every heartbeat reply names this grant as expired: its servant must kill the task. */
  synchronized void expire(long grantId) {
    expired.add(grantId);
    recorded();
  }

  /** From now on the view leaves this servant out, as the real one does once its heartbeats stopped. */
  synchronized void silence(String location) {
    silenced.add(location);
  }

  synchronized void refuseKeepAlive(boolean refuse) {
    keepAliveRefused = refuse;
  }

  /** The view carries the tasks the servants last reported, as the real one does for valid tokens. */
  synchronized void shareRunningTasks(boolean share) {
    shareRunning = share;
  }

  /** Between tests: the servants keep beating, everything else starts over. */
  synchronized void reset() {
    grantPlan.clear();
    expired.clear();
    granted.clear();
    freed.clear();
    keptAlive.clear();
    views.clear();
    unreachable.clear();
    exclusions.clear();
    silenced.clear();
    keepAliveRefused = false;
    shareRunning = false;
    checks.forEach(c -> c.met().tryFail("scheduler reset"));
    checks.clear();
  }

  // ---- what the test reads ----

  synchronized List<Grant> granted() {
    return List.copyOf(granted);
  }

  synchronized Grant grant(int index) {
    return granted.get(index);
  }

  synchronized List<Long> freed() {
    return List.copyOf(freed);
  }

  synchronized List<Long> keptAlive() {
    return List.copyOf(keptAlive);
  }

  /** Locations delegates reported unreachable, in order. */
  synchronized List<String> unreachable() {
    return List.copyOf(unreachable);
  }

  /** Each grant request's exclude list, in order. */
  synchronized List<List<String>> exclusions() {
    return List.copyOf(exclusions);
  }

  synchronized int beats(String location) {
    return beats.getOrDefault(location, 0);
  }

  synchronized int views(String token) {
    return views.getOrDefault(token, 0);
  }

  /** The capabilities a servant advertised in its last heartbeat. */
  synchronized List<String> capabilities(String location) {
    ServantHeartbeat hb = lastBeat.get(location);
    return hb == null ? List.of() : hb.capabilities();
  }

  /** The foreign load a servant judged in its last heartbeat (negative: it left that to us). */
  synchronized double foreignLoad(String location) {
    ServantHeartbeat hb = lastBeat.get(location);
    return hb == null ? -1 : hb.foreignLoad();
  }

  /** How many grant requests asked for source-tree servants. */
  synchronized int sourceTreeRequests() {
    return sourceTreeRequests;
  }

  /** The tasks a servant reported in its last heartbeat. */
  synchronized List<RunningTask> running(String location) {
    ServantHeartbeat hb = lastBeat.get(location);
    return hb == null ? List.of() : hb.runningTasks();
  }

  /** Completes once the condition (over this scheduler's records) holds. */
  synchronized Future<Void> until(BooleanSupplier condition) {
    Promise<Void> p = Promise.promise();
    if (condition.getAsBoolean()) {
      p.complete();
    } else {
      checks.add(new Check(condition, p));
    }
    return p.future();
  }

  // ---- the scheduler's side ----

  private synchronized HeartbeatReply onHeartbeat(ServantHeartbeat hb) {
    lastBeat.put(hb.location(), hb);
    beats.merge(hb.location(), 1, Integer::sum);
    recorded();
    return new HeartbeatReply(List.copyOf(expired), List.of(SERVING_TOKEN));
  }

  private synchronized GrantReply onGrant(GrantRequest req) {
    exclusions.add(req.excludeLocations());
    sourceTreeRequests += req.sourceTree() ? 1 : 0;
    List<Grant> out = new ArrayList<>();
    for (int i = 0; i < Math.max(1, req.immediate()); i++) {
      String at = grantPlan.isEmpty() ? unplanned(req) : grantPlan.pollFirst();
      Grant g = new Grant(nextGrantId++, "servant-" + at, at);
      granted.add(g);
      out.add(g);
    }
    recorded();
    return new GrantReply(out, SERVING_TOKEN);
  }

  private String unplanned(GrantRequest req) {
    return servants.stream()
        .filter(s -> !unreachable.contains(s) && !req.excludeLocations().contains(s))
        .findFirst()
        .orElse(servants.getFirst());
  }

  private synchronized void onUnreachable(UnreachableReport report) {
    unreachable.add(report.location());
    recorded();
  }

  private synchronized KeepAliveReply onKeepAlive(KeepAliveRequest req) {
    keptAlive.addAll(req.grantIds());
    recorded();
    return new KeepAliveReply(Collections.nCopies(req.grantIds().size(), !keepAliveRefused));
  }

  private synchronized void onFree(FreeRequest req) {
    freed.addAll(req.grantIds());
    recorded();
  }

  private synchronized ClusterView onView(String token) {
    views.merge(token, 1, Integer::sum);
    recorded();
    JsonArray list = new JsonArray();
    // Like the real one, which grants only servants it knows: every servant granted on is listed.
    Set<String> listed = new java.util.LinkedHashSet<>(servants);
    granted.forEach(g -> listed.add(g.location()));
    listed.removeAll(silenced);
    listed.forEach(s -> list.add(new JsonObject().put("location", s).put("maxTasks", 4)
        .put("compilerDigests", new JsonArray().add(compilerDigest))
        .put("capabilities", new JsonArray(lastBeat.containsKey(s) ? lastBeat.get(s).capabilities() : List.of()))));
    List<RunningTask> running = new ArrayList<>();
    if (shareRunning) {
      lastBeat.values().forEach(hb -> running.addAll(hb.runningTasks()));
    }
    return new ClusterView(list, running, SERVING_TOKEN);
  }

  private void recorded() {
    checks.removeIf(c -> c.condition().getAsBoolean() && c.met().tryComplete());
  }
}
