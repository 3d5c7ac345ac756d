package dev.vxcc.common.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 from the JDK: with the SHA-NI intrinsic it hashes ~1.5 GB/s here, about eight times any
 * pure-Java BLAKE3 (stack-notes §8), and it is collision resistant, which cache keys need.
 */
public final class Digests {
  private Digests() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  /** Hashes the parts with their lengths, so that ("ab","c") and ("a","bc") never collide. */
  public static String hexOfParts(byte[]... parts) {
    MessageDigest md = sha256();
    for (byte[] p : parts) {
      md.update(longBytes(p.length));
      md.update(p);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  public static String hexOfFile(Path file) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
