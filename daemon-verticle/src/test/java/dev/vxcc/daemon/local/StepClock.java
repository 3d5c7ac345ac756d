package dev.vxcc.daemon.local;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when the test steps it; read from event-loop threads too. */
final class StepClock implements InstantSource {
  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  public Instant instant() {
    return now;
  }

  void advanceMs(long ms) {
    now = now.plusMillis(ms);
  }
}
