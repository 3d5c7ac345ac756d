package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Collectors;

/** The plain-text form of {@code vxcc --stats}, for people; scripts use {@code --json}. */
final class StatsText {
  private StatsText() {}

  static String render(DelegateStats stats, LocalQuota quota, JsonObject servant, ClusterView view) {
    StringBuilder sb = new StringBuilder(stats.toText());
    sb.append(String.format("local slots            %d (running %d, waiting %d heavy / %d light)%n",
        quota.maxHeavy(), quota.holders(), quota.waiting(false), quota.waiting(true)));
    if (servant != null) {
      sb.append(String.format("this servant           %d slots, %d running, %d run since start%n",
          servant.getInteger("maxTasks", 0), servant.getLong("running", 0L), servant.getLong("tasksRunEver", 0L)));
    }
    if (view == null) {
      sb.append("cluster                unreachable\n");
      return sb.toString();
    }
    sb.append(String.format("cluster                %d servants%n", view.servants().size()));
    for (Object o : view.servants()) {
      JsonObject s = (JsonObject) o;
      String compilers = s.getJsonArray("compilerDigests", new JsonArray()).stream()
          .map(d -> d.toString().substring(0, Math.min(12, d.toString().length())))
          .collect(Collectors.joining(","));
      sb.append(String.format("  %-21s running %d of %d, compilers %s%n",
          s.getString("location"), s.getInteger("running", 0), s.getInteger("capacity", 0), compilers));
    }
    return sb.toString();
  }
}
