package dev.vxcc.daemon.local;

import io.vertx.core.shareddata.Shareable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiler paths the node's delegates have identified, shared by reference between a delegate
 * and the one that replaces it: the successor identifies them before it takes requests, since a
 * first probe (several compiler runs) can outlast the 2 s a wrapper gives {@code /local/compile}.
 */
final class KnownCompilers implements Shareable {
  static final String KEY = "delegate.compilers";
  private final Set<String> paths = ConcurrentHashMap.newKeySet();

  void addAll(Set<String> more) {
    paths.addAll(more);
  }

  Set<String> snapshot() {
    return Set.copyOf(paths);
  }
}
