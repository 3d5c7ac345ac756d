package dev.vxcc.node;

import io.vertx.core.json.JsonObject;

/** How each verticle is replaced in a hot redeploy. */
final class RedeployOrder {
  private RedeployOrder() {}

  /**
   * The local API stays: its Unix socket must keep answering the wrappers (a socket that is gone
   * makes every compile fall back to local), and its wrappers' tasks live in it.
   */
  static boolean kept(String verticle) {
    return Roles.DELEGATE.equals(verticle);
  }

  static String whyKept(String verticle) {
    return "the local API is not replaced: wrappers keep their socket and tasks; a change to its settings needs a restart";
  }

  /**
   * New instance first, old one drained after: only where both can listen at once. A servant on an
   * ephemeral port announces its new location with its first heartbeat before the old one leaves.
   * A scheduler is a singleton (two would split the grants), and a fixed port admits one listener.
   */
  static boolean blueGreen(String verticle, JsonObject config) {
    if (Roles.SERVANT.equals(verticle)) {
      JsonObject daemon = config.getJsonObject("daemon", new JsonObject());
      return daemon.getInteger("servingPort", 0) == 0;
    }
    return false;
  }
}
