package dev.vxcc.node.observe;

import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.RunningTask;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows, built from the scheduler's view, the daemons' published counters and the
 * cache's counters. Free of Vert.x timers and I/O; confined to the dashboard's event loop.
 */
final class DashboardModel {
  /** A daemon that has not reported for this long is gone (it publishes every second). */
  static final long DAEMON_STALE_MS = 10_000;
  static final long HISTORY_MS = 3_600_000;
  static final int FALLBACKS_SHOWN = 20;

  private record Report(long receivedAt, JsonObject body) {}

  /** One chart point; a ratio is null when nothing happened in its interval. */
  record Point(long at, Double remoteShare, Double cacheHitRatio) {
    JsonObject toJson() {
      return new JsonObject().put("at", at).put("remoteShare", remoteShare).put("cacheHitRatio", cacheHitRatio);
    }
  }

  private record Totals(long remote, long local, long hits, long misses) {}

  private final InstantSource clock;
  private final Map<String, Report> daemons = new HashMap<>();
  private final Deque<Point> history = new ArrayDeque<>();
  private ClusterView view = new ClusterView(new JsonArray(), List.of());
  private JsonObject cache;
  private Totals lastTotals;

  DashboardModel(InstantSource clock) {
    this.clock = clock;
  }

  void daemonReport(JsonObject body) {
    String daemon = body.getString("daemon", "");
    if (!daemon.isEmpty()) {
      daemons.put(daemon, new Report(clock.millis(), body));
    }
  }

  void view(ClusterView v) {
    view = v;
  }

  void cacheStats(JsonObject stats) {
    cache = stats;
  }

  /** Takes one chart point: the ratios over the interval since the previous one. */
  void sample() {
    dropStale();
    long remote = 0;
    long local = 0;
    for (Report r : daemons.values()) {
      JsonObject s = r.body().getJsonObject("stats", new JsonObject());
      remote += s.getLong("remote", 0L);
      local += s.getLong("local", 0L);
    }
    long hits = cache == null ? 0 : cache.getLong("hits", 0L);
    long misses = cache == null ? 0 : cache.getLong("misses", 0L);
    Totals now = new Totals(remote, local, hits, misses);
    Totals before = lastTotals == null ? now : lastTotals;
    lastTotals = now;
    long now0 = clock.millis();
    history.addLast(new Point(now0,
        ratio(now.remote() - before.remote(), now.local() - before.local()),
        ratio(now.hits() - before.hits(), now.misses() - before.misses())));
    while (!history.isEmpty() && history.peekFirst().at() < now0 - HISTORY_MS) {
      history.removeFirst();
    }
  }

  /** A daemon or cache that restarted counts from zero again: such an interval says nothing. */
  private static Double ratio(long part, long rest) {
    if (part < 0 || rest < 0 || part + rest == 0) {
      return null;
    }
    return (double) part / (part + rest);
  }

  private void dropStale() {
    long now = clock.millis();
    daemons.values().removeIf(r -> now - r.receivedAt() > DAEMON_STALE_MS);
  }

  JsonObject snapshot() {
    dropStale();
    Map<String, String> names = new HashMap<>();
    int inFlight = 0;
    List<JsonObject> fallbacks = new ArrayList<>();
    for (Report r : daemons.values()) {
      r.body().getJsonObject("compilerNames", new JsonObject()).forEach(e -> names.put(e.getKey(), String.valueOf(e.getValue())));
      inFlight += r.body().getInteger("tasksInFlight", 0);
      for (Object o : r.body().getJsonArray("recentFallbacks", new JsonArray())) {
        fallbacks.add(((JsonObject) o).copy().put("daemon", r.body().getString("daemon")));
      }
    }
    fallbacks.sort(Comparator.comparingLong((JsonObject f) -> f.getLong("at", 0L)).reversed());
    JsonArray servants = new JsonArray();
    Map<String, Integer> compilers = new TreeMap<>();
    for (Object o : view.servants()) {
      JsonObject s = (JsonObject) o;
      servants.add(new JsonObject()
          .put("location", s.getString("location", ""))
          .put("host", s.getString("host", ""))
          .put("capacity", s.getInteger("capacity", 0))
          .put("maxTasks", s.getInteger("maxTasks", 0))
          .put("running", s.getInteger("running", 0))
          .put("load", s.getInteger("currentLoad", 0))
          .put("cpus", s.getInteger("numProcessors", 0))
          .put("notAccepting", s.getString("notAcceptingReason", "")));
      for (Object d : s.getJsonArray("compilerDigests", new JsonArray())) {
        String name = names.getOrDefault(d.toString(), "unnamed " + abbreviate(d.toString()));
        compilers.merge(name, 1, Integer::sum);
      }
    }
    JsonArray running = new JsonArray();
    for (RunningTask t : view.runningTasks()) {
      running.add(new JsonObject().put("servant", t.servantLocation()).put("grantId", t.grantId())
          .put("task", abbreviate(t.taskDigest())));
    }
    JsonArray compilerList = new JsonArray();
    compilers.forEach((n, c) -> compilerList.add(new JsonObject().put("name", n).put("servants", c)));
    JsonArray points = new JsonArray();
    history.forEach(p -> points.add(p.toJson()));
    return new JsonObject()
        .put("at", clock.millis())
        .put("servants", servants)
        .put("runningTasks", running)
        .put("daemons", daemons.size())
        .put("tasksInFlight", inFlight)
        .put("history", points)
        .put("fallbacks", new JsonArray(fallbacks.subList(0, Math.min(FALLBACKS_SHOWN, fallbacks.size()))))
        .put("compilers", compilerList)
        .put("cache", cache == null ? null : new JsonObject()
            .put("hits", cache.getLong("hits", 0L)).put("misses", cache.getLong("misses", 0L))
            .put("bytes", cache.getLong("l1Bytes", 0L) + cache.getLong("l2Bytes", 0L)));
  }

  private static String abbreviate(String digest) {
    return digest.length() > 12 ? digest.substring(0, 12) : digest;
  }
}
