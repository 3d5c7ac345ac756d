package dev.vxcc.daemon.local;

import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Servants that failed us (not the compile: queueing, a lost task, silence) are avoided for a
 * while, long enough for their leases to run out at the scheduler. Confined to the delegate's event loop.
 */
final class PenaltyBox {
  private final InstantSource clock;
  private final long penaltyMs;
  private final Map<String, Long> until = new HashMap<>();

  PenaltyBox(InstantSource clock, long penaltyMs) {
    this.clock = clock;
    this.penaltyMs = penaltyMs;
  }

  void penalise(String location) {
    until.put(location, clock.millis() + penaltyMs);
  }

  boolean isPenalised(String location) {
    Long u = until.get(location);
    return u != null && u > clock.millis();
  }

  /**
   * The servants penalised now, for the scheduler to skip when granting; at most {@code max} of them,
   * the ones penalised longest ago dropped first, being the likeliest to be back.
   */
  List<String> penalised(int max) {
    long now = clock.millis();
    return until.entrySet().stream()
        .filter(e -> e.getValue() > now)
        .sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
        .limit(max)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Timer: forgets penalties that ended. */
  void sweep() {
    long now = clock.millis();
    until.values().removeIf(u -> u <= now);
  }

  int size() {
    return until.size();
  }
}
