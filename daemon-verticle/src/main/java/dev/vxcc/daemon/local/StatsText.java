package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.daemon.PhaseTimes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The plain-text form of {@code vxcc --stats}, for people; scripts use {@code --json}. */
final class StatsText {
  private StatsText() {}

  /** @param names compiler identity → name and version, for the compilers this daemon knows */
  static String render(DelegateStats stats, LocalQuota quota, JsonObject servant, ClusterView view, Map<String, String> names) {
    StringBuilder sb = new StringBuilder(stats.toText());
    sb.append(String.format("local slots            %d (running %d, waiting %d heavy / %d light)%n",
        quota.maxHeavy(), quota.holders(), quota.waiting(false), quota.waiting(true)));
    if (servant != null) {
      sb.append(String.format("this servant           %d slots, %d running, %d run since start%n",
          servant.getInteger("maxTasks", 0), servant.getLong("running", 0L), servant.getLong("tasksRunEver", 0L)));
      String times = servant.getJsonObject("phases") == null ? "" : PhaseTimes.toText(servant.getJsonObject("phases"), "  ");
      if (!times.isEmpty()) {
        sb.append("time per phase (this servant)\n").append(times);
      }
    }
    if (view == null) {
      sb.append("cluster                unreachable\n");
      return sb.toString();
    }
    sb.append(String.format("cluster                %d servants%n", view.servants().size()));
    for (Object o : view.servants()) {
      JsonObject s = (JsonObject) o;
      String compilers = compilers(s.getJsonArray("compilerDigests", new JsonArray()), names);
      sb.append(String.format("  %-21s running %d of %d, compilers %s%n",
          s.getString("location"), s.getInteger("running", 0), s.getInteger("capacity", 0), compilers));
    }
    return sb.toString();
  }

  /**
   * Known compilers by name and version, the rest by short digest (compilers no build on this
   * machine has used yet: the daemon learns names from the compilers its wrappers name).
   */
  static String compilers(JsonArray digests, Map<String, String> names) {
    Set<String> named = new TreeSet<>();
    List<String> unknown = new ArrayList<>();
    for (Object o : digests) {
      String d = o.toString();
      String name = names.get(d);
      if (name != null) {
        named.add(name);
      } else {
        unknown.add(d.substring(0, Math.min(12, d.length())));
      }
    }
    List<String> parts = new ArrayList<>(named);
    if (!unknown.isEmpty()) {
      parts.add(unknown.size() + " not used here (" + String.join(",", unknown) + ")");
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }
}
