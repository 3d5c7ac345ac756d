package dev.vxcc.cache;

import dev.vxcc.common.util.Digests;
import java.nio.charset.StandardCharsets;

/** Valid cache keys for tests. */
public final class Keys {
  private Keys() {}

  public static String key(String seed) {
    return Digests.hex(seed.getBytes(StandardCharsets.UTF_8));
  }
}
