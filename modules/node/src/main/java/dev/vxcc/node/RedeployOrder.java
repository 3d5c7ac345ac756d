package dev.vxcc.node;

import io.vertx.core.json.JsonObject;

/** How each verticle is replaced in a hot redeploy. */
final class RedeployOrder {
  private RedeployOrder() {}

  /**
   * The local API's front stays: its Unix socket must keep answering the wrappers (a socket that is
   * gone makes every compile fall back to local). The delegates behind it are replaced.
   */
  static boolean kept(String verticle) {
    return Roles.FRONT.equals(verticle);
  }

  static String whyKept(String verticle) {
    return "it holds the wrappers' socket; a change of daemon.localSocket needs a restart";
  }

  /**
   * New instance first, old one drained after: only where both can listen at once. A servant on an
   * ephemeral port announces its new location with its first heartbeat before the old one leaves.
   * A delegate behind the front: the front sends new requests to the newest one, and a task's
   * requests to the one that holds it. A scheduler is a singleton (two would split the grants),
   * and a fixed port admits one listener.
   */
  static boolean blueGreen(String verticle, JsonObject config) {
    if (Roles.DELEGATE.equals(verticle)) {
      return true;
    }
    if (Roles.SERVANT.equals(verticle)) {
      JsonObject daemon = config.getJsonObject("daemon", new JsonObject());
      return daemon.getInteger("servingPort", 0) == 0;
    }
    return false;
  }
}
