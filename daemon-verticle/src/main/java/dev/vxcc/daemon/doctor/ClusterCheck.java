package dev.vxcc.daemon.doctor;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;

/** The scheduler and its cluster view: without them every compile stays local. */
public final class ClusterCheck {
  private ClusterCheck() {}

  /**
   * @param view the last view, or null when none is fresh
   * @param error why the last request for a view failed, or empty
   */
  public static Check check(ClusterView view, String error) {
    if (view == null) {
      String why = error == null || error.isBlank() ? "" : " (" + error + ")";
      return Check.fail("scheduler", "no cluster view" + why + ": every compile stays local: start the scheduler"
          + " (`vxcc-node run all` on one machine, `vxcc-node run scheduler -cluster …` for a cluster) and give this daemon"
          + " a daemon.token that is in the scheduler's scheduler.userTokens");
    }
    List<JsonObject> serving = servants(view).stream().filter(s -> s.getInteger("capacity", 0) > 0).toList();
    if (serving.isEmpty()) {
      return Check.warn("scheduler", "reachable, " + view.servants().size() + (view.servants().size() == 1 ? " servant" : " servants")
          + ", but none offers a slot:"
          + " compiles stay local: start `vxcc-node run daemon -cluster …` (daemon.maxRemoteTasks not 0) on the build machines");
    }
    int slots = serving.stream().mapToInt(s -> s.getInteger("capacity", 0)).sum();
    String each = serving.stream().map(s -> s.getString("location", "?") + " " + s.getInteger("capacity", 0))
        .collect(Collectors.joining(", "));
    return Check.ok("scheduler", "reachable, " + serving.size() + (serving.size() == 1 ? " servant, " : " servants, ")
        + slots + " slots (" + each + ")");
  }

  static List<JsonObject> servants(ClusterView view) {
    return view.servants().stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
  }
}
