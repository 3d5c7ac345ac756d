package dev.vxcc.scheduler;

import dev.vxcc.common.bus.ServantHeartbeat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The policy as it was before {@link ServantIndex}: a scan of every servant per choice. Kept as the
 * reference the index must agree with, servant for servant; do not "fix" it without the policy.
 */
final class ScanningPolicy {
  private ScanningPolicy() {}

  /** Servants that could ever run the task, busy or not, in registration order. */
  static List<Servant> eligible(Collection<Servant> servants, String compilerDigest, int minVersion) {
    return eligible(servants, compilerDigest, minVersion, false);
  }

  /** As above, for a source-tree task when {@code sourceTree}: then only servants advertising it. */
  static List<Servant> eligible(Collection<Servant> servants, String compilerDigest, int minVersion, boolean sourceTree) {
    List<Servant> out = new ArrayList<>();
    for (Servant s : servants) {
      if (s.maxTasks() > 0
          && !s.isSuspect()
          && s.heartbeat().version() >= minVersion
          && s.heartbeat().compilerDigests().contains(compilerDigest)
          && (!sourceTree || s.heartbeat().capabilities().contains(ServantHeartbeat.SOURCE_TREE))) {
        out.add(s);
      }
    }
    return out;
  }

  /** Picks the servant for one more task among {@code eligible}, or empty if all of them are full. */
  static Optional<Servant> choose(List<Servant> eligible, String requestorHost, long minMemoryBytes) {
    return choose(eligible, requestorHost, minMemoryBytes, Set.of());
  }

  /** As above, among those not at an {@code excluded} location unless that leaves none. */
  static Optional<Servant> choose(List<Servant> eligible, String requestorHost, long minMemoryBytes, Set<String> excluded) {
    List<Servant> allowed = eligible.stream().filter(s -> !excluded.contains(s.heartbeat().location())).toList();
    List<Servant> others = new ArrayList<>();
    List<Servant> own = new ArrayList<>();
    for (Servant s : allowed.isEmpty() ? eligible : allowed) {
      if (!s.isFree(minMemoryBytes)) {
        continue;
      }
      (s.heartbeat().host().equals(requestorHost) ? own : others).add(s);
    }
    Comparator<Servant> byUtilisation = utilisation(minMemoryBytes);
    Optional<Servant> dedicated = others.stream()
        .filter(s -> s.heartbeat().dedicated() && s.running() * 2 < s.processors())
        .min(byUtilisation);
    if (dedicated.isPresent()) {
      return dedicated;
    }
    Optional<Servant> any = others.stream().min(byUtilisation);
    return any.isPresent() ? any : own.stream().min(byUtilisation);
  }

  private static Comparator<Servant> utilisation(long minMemoryBytes) {
    return (a, b) -> {
      long lhs = (long) a.running() * b.capacity(minMemoryBytes);
      long rhs = (long) b.running() * a.capacity(minMemoryBytes);
      int c = Long.compare(lhs, rhs);
      return c != 0 ? c : Long.compare(a.registrationOrder(), b.registrationOrder());
    };
  }
}
