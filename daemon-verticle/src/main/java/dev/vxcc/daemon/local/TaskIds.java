package dev.vxcc.daemon.local;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Task ids nobody can guess: 128 random bits, hex. A sequential id let a local process claim someone else's task. */
final class TaskIds {
  private final SecureRandom random = new SecureRandom();

  String next() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
