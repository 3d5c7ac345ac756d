package dev.vxcc.scheduler;

import java.time.InstantSource;

/**
 * Notices that this process did not run for a while (SIGSTOP, a suspended VM, a long collector
 * pause) and keeps it out of the active role for a time afterwards. A scheduler frozen for longer
 * than the cluster's failure detection was dropped from the cluster and replaced while it slept, yet
 * it wakes up believing it is still the active one, with the old member list, and servants and
 * delegates that still reach it over the event bus would split their work between two schedulers.
 * Ticked from the role check, whose period is short, so a gap far longer than it can only be a pause.
 * Pure; confined to the caller's context.
 */
final class PauseFence {
  private final InstantSource clock;
  private final long pauseMs;
  private final long fenceMs;
  private long lastTick = Long.MIN_VALUE;
  private long fencedUntil = Long.MIN_VALUE;

  /**
   * @param pauseMs a gap between two ticks longer than this is a pause
   * @param fenceMs how long after a pause this node stays out of the role
   */
  PauseFence(InstantSource clock, long pauseMs, long fenceMs) {
    this.clock = clock;
    this.pauseMs = pauseMs;
    this.fenceMs = fenceMs;
  }

  /** Called from the periodic check; the length of the pause that just ended, or 0 when there was none. */
  long tick() {
    long now = clock.millis();
    long gap = lastTick == Long.MIN_VALUE ? 0 : now - lastTick;
    lastTick = now;
    if (gap > pauseMs) {
      fencedUntil = now + fenceMs;
      return gap;
    }
    return 0;
  }

  /** Ends the fence at once: there was nobody the pause could have made way for. */
  void lift() {
    fencedUntil = Long.MIN_VALUE;
  }

  /** Whether this node must not be (or become) the active scheduler now. */
  boolean fenced() {
    return clock.millis() < fencedUntil;
  }
}
