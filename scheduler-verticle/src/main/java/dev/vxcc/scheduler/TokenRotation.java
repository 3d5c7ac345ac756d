package dev.vxcc.scheduler;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;

/**
 * Daemon-to-daemon tokens as [expiring, active, upcoming]. Delegates get the active one; servants accept
 * all three, so a servant learns a token one period before delegates use it, and a delegate's token stays
 * valid for one more period after it stops being handed out. Rotation is lazy: no timer, just a check
 * whenever a token is asked for. Not thread-safe.
 */
final class TokenRotation {
  private final InstantSource clock;
  private final Duration period;
  private final SecureRandom random;
  private final Deque<String> tokens = new ArrayDeque<>(3);
  private Instant rotateAt;

  TokenRotation(InstantSource clock, Duration period, SecureRandom random) {
    this.clock = clock;
    this.period = period;
    this.random = random;
    for (int i = 0; i < 3; i++) {
      tokens.addLast(newToken());
    }
    rotateAt = clock.instant().plus(period);
  }

  String active() {
    rotateIfDue();
    return List.copyOf(tokens).get(1);
  }

  List<String> acceptable() {
    rotateIfDue();
    return List.copyOf(tokens);
  }

  private void rotateIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(rotateAt)) {
      return;
    }
    tokens.removeFirst();
    tokens.addLast(newToken());
    // Measured from now, not from the missed deadline: an idle scheduler must not rotate three times
    // in a row and invalidate every token a delegate may still hold.
    rotateAt = now.plus(period);
  }

  private String newToken() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
