package dev.vxcc.e2e;

import dev.vxcc.testkit.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a chaos case notes about recovery once its fault is over (a node resumed, a partition
 * healed, a node restarted): how long until each client saw the cluster whole again, polled from
 * the nodes' stats and logs, bounded at 60 s so a case that never heals still ends with a note.
 */
final class ChaosNotes {
  /** When a fault ended (epoch ms) and how the notes name that moment ("SIGCONT", "healing"). */
  record Since(long at, String what) {}

  private ChaosNotes() {}

  /**
   * How long after the restarted cache node was ready every cache client had moved to it: the
   * client's delegate, and each servant node's delegate and servant (which puts), from their stats.
   */
  static String followed(NodeProcess client, List<NodeProcess> servants, Object old, long since) throws Exception {
    boolean all = E2e.pollUntil(60_000, () -> {
      boolean moved = moved(E2e.stats(client.localApi()).getJsonObject("cache"), old);
      for (NodeProcess s : servants) {
        JsonObject st = E2e.stats(s.localApi());
        moved &= moved(st.getJsonObject("cache"), old) && moved(st.getJsonObject("servant", new JsonObject()).getJsonObject("cache"), old);
      }
      return moved;
    });
    return all ? String.format(java.util.Locale.ROOT, "every delegate and servant on the restarted cache %.1f s after it was ready",
        (System.currentTimeMillis() - since) / 1000.0) : "NOT every delegate and servant on the restarted cache within 60 s";
  }

  private static boolean moved(JsonObject cacheStats, Object old) {
    Object now = cacheStats == null ? null : cacheStats.getValue("location");
    return now != null && !now.equals(old);
  }

  /**
   * How long after the fault ended the client daemon had a view from the scheduler again (taken
   * after that) listing both servants, trusted: until then its compiles run locally.
   */
  static String viewFresh(NodeProcess client, List<NodeProcess> servants, Since ended) throws Exception {
    boolean fresh = E2e.pollUntil(60_000, () -> {
      JsonObject st = E2e.stats(client.localApi());
      long age = st.getLong("clusterViewAgeMs", -1L);
      if (age < 0 || age >= System.currentTimeMillis() - ended.at()) {
        return false;
      }
      JsonArray view = st.getJsonArray("cluster", new JsonArray());
      return servants.stream().allMatch(s -> view.stream().map(o -> (JsonObject) o)
          .anyMatch(v -> s.info("serving").equals(v.getString("location")) && !v.getBoolean("suspect", false)));
    });
    return fresh ? String.format(java.util.Locale.ROOT, "client daemon's view fresh again (both servants, trusted) %.1f s after " + ended.what(),
        (System.currentTimeMillis() - ended.at()) / 1000.0) : "client daemon's view NOT fresh within 60 s of " + ended.what();
  }

  /**
   * How long after the fault ended the node merged back into the others' cluster (Hazelcast's own
   * log line): the others dropped it after 8 s of silence, and it may first drop them in turn
   * (their heartbeats reach it expired), which stales its event bus again until the merge.
   */
  static String mergedBack(NodeProcess node, Since ended) throws Exception {
    long at = firstLogLineAfter(node, ChaosChecks.MERGING, ended);
    return at > 0
        ? String.format(java.util.Locale.ROOT, "merged back into the cluster %.1f s after " + ended.what(), (at - ended.at()) / 1000.0)
        : "no merge logged within 60 s of " + ended.what() + " (the fault may have been too short for it to be dropped)";
  }

  /** When the node first logged a line containing {@code text} after the fault ended (epoch ms), polled for 60 s; 0 if never. */
  private static long firstLogLineAfter(NodeProcess node, String text, Since ended) throws Exception {
    java.util.concurrent.atomic.AtomicLong at = new java.util.concurrent.atomic.AtomicLong();
    E2e.pollUntil(60_000, () -> {
      ChaosChecks.firstAfter(ChaosChecks.times(List.of(node), text), ended.at()).ifPresent(at::set);
      return at.get() > 0;
    });
    return at.get();
  }

  /**
   * How long after the fault ended the cache answered every cache client: each delegate fetched
   * its Bloom filter again (asked after the resume), and each servant knows where it is (to put).
   */
  static String cacheAnswers(NodeProcess client, List<NodeProcess> servants, Since ended) throws Exception {
    boolean all = E2e.pollUntil(60_000, () -> {
      boolean ok = answered(E2e.stats(client.localApi()).getJsonObject("cache"), ended.at());
      for (NodeProcess s : servants) {
        JsonObject st = E2e.stats(s.localApi());
        ok &= answered(st.getJsonObject("cache"), ended.at())
            && st.getJsonObject("servant", new JsonObject()).getJsonObject("cache", new JsonObject()).getValue("location") != null;
      }
      return ok;
    });
    return all ? String.format(java.util.Locale.ROOT, "every delegate and servant on the cache again %.1f s after " + ended.what(),
        (System.currentTimeMillis() - ended.at()) / 1000.0) : "NOT every delegate and servant on the cache again within 60 s of " + ended.what();
  }

  private static boolean answered(JsonObject cacheStats, long since) {
    return cacheStats != null && cacheStats.getValue("location") != null && cacheStats.getLong("bloomFetchedAt", 0L) >= since;
  }

  /**
   * How long after healing the cut-off scheduler, active alone on its side all along, stood by:
   * from then on the cluster has one active scheduler again.
   */
  static String stoodBy(NodeProcess scheduler, Since ended) throws Exception {
    long at = firstLogLineAfter(scheduler, ChaosChecks.STOOD_BY, ended);
    return at > 0 ? String.format(java.util.Locale.ROOT, "the cut-off scheduler stood by %.1f s after " + ended.what(), (at - ended.at()) / 1000.0)
        : "the cut-off scheduler did NOT stand by within 60 s of " + ended.what();
  }
}
