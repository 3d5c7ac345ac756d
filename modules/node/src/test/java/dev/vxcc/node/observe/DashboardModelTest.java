package dev.vxcc.node.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.RunningTask;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardModelTest {
  private static final class Clock implements InstantSource {
    long ms = 1_000_000;

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(ms);
    }
  }

  private final Clock clock = new Clock();
  private final DashboardModel model = new DashboardModel(clock);

  private static JsonObject report(String daemon, long remote, long local, JsonObject names, JsonArray fallbacks) {
    return new JsonObject().put("daemon", daemon).put("tasksInFlight", 3)
        .put("stats", new JsonObject().put("remote", remote).put("local", local))
        .put("compilerNames", names).put("recentFallbacks", fallbacks);
  }

  @Test
  void chartPointsAreRatiosOverEachIntervalNotSinceStart() {
    model.daemonReport(report("a", 10, 10, new JsonObject(), new JsonArray()));
    model.cacheStats(new JsonObject().put("hits", 0).put("misses", 0));
    model.sample();
    clock.ms += 1000;
    model.daemonReport(report("a", 19, 11, new JsonObject(), new JsonArray()));
    model.cacheStats(new JsonObject().put("hits", 3).put("misses", 1));
    model.sample();
    clock.ms += 1000;
    model.sample();
    JsonArray h = model.snapshot().getJsonArray("history");
    assertEquals(3, h.size());
    assertNull(h.getJsonObject(0).getDouble("remoteShare"), "the first point has no interval");
    assertEquals(0.9, h.getJsonObject(1).getDouble("remoteShare"), 1e-9);
    assertEquals(0.75, h.getJsonObject(1).getDouble("cacheHitRatio"), 1e-9);
    assertNull(h.getJsonObject(2).getDouble("remoteShare"), "nothing happened: a gap, not a zero");
  }

  @Test
  void aRestartedDaemonLeavesAGapAndOldPointsAgeOut() {
    model.daemonReport(report("a", 50, 50, new JsonObject(), new JsonArray()));
    model.sample();
    clock.ms += 1000;
    model.daemonReport(report("a", 1, 0, new JsonObject(), new JsonArray()));
    model.sample();
    assertNull(model.snapshot().getJsonArray("history").getJsonObject(1).getDouble("remoteShare"));
    clock.ms += DashboardModel.HISTORY_MS + 1;
    model.sample();
    assertEquals(1, model.snapshot().getJsonArray("history").size());
  }

  @Test
  void servantsCompilersFallbacksAndSilentDaemons() {
    model.view(new ClusterView(new JsonArray()
        .add(new JsonObject().put("location", "b:1").put("capacity", 4).put("running", 2).put("currentLoad", 3)
            .put("numProcessors", 8).put("compilerDigests", new JsonArray().add("d1").add("d2")))
        .add(new JsonObject().put("location", "c:1").put("compilerDigests", new JsonArray().add("d1"))),
        List.of(new RunningTask(7, 1, "b:1", "0123456789abcdef"))));
    model.daemonReport(report("a", 0, 0, new JsonObject().put("d1", "g++ 12.2.0"),
        new JsonArray().add(new JsonObject().put("at", 5).put("reason", "link"))));
    model.daemonReport(report("z", 0, 0, new JsonObject(),
        new JsonArray().add(new JsonObject().put("at", 9).put("reason", "no_servant"))));
    JsonObject s = model.snapshot();
    assertEquals(2, s.getJsonArray("servants").size());
    assertEquals(3, s.getJsonArray("servants").getJsonObject(0).getInteger("load"));
    assertEquals("0123456789ab", s.getJsonArray("runningTasks").getJsonObject(0).getString("task"));
    assertEquals(new JsonArray()
            .add(new JsonObject().put("name", "g++ 12.2.0").put("servants", 2))
            .add(new JsonObject().put("name", "unnamed d2").put("servants", 1)),
        s.getJsonArray("compilers"));
    assertEquals("no_servant", s.getJsonArray("fallbacks").getJsonObject(0).getString("reason"), "newest first");
    assertEquals(6, s.getInteger("tasksInFlight"));
    clock.ms += DashboardModel.DAEMON_STALE_MS + 1;
    assertEquals(0, model.snapshot().getInteger("daemons"), "daemons that stopped reporting are dropped");
  }
}
