package dev.vxcc.node;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What verticles published about themselves (ports, ids), for the ready line that scripts and tests read. */
final class NodeInfo {
  private NodeInfo() {}

  static String describe(Vertx vertx) {
    LocalMap<String, String> m = vertx.sharedData().getLocalMap(dev.vxcc.common.NodeKeys.MAP);
    return new TreeMap<>(m).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }
}
