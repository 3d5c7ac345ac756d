package dev.vxcc.cache;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the disk store lives when {@code cache.dir} is not set: a persistent per-node place, never a
 * shared temporary directory (where another user or an earlier run's entries would make a "cold"
 * build warm, and a cleaner could remove it under us).
 */
public final class DefaultStoreDir {
  private DefaultStoreDir() {}

  /**
   * Under systemd with {@code CacheDirectory=} the unit's directory; a service (root) otherwise uses
   * the FHS cache directory; a user, the XDG cache directory.
   */
  public static Path of(String userName, Map<String, String> env) {
    String systemd = env.getOrDefault("CACHE_DIRECTORY", "").split(":", -1)[0];
    if (systemd.startsWith("/")) {
      return Path.of(systemd);
    }
    if ("root".equals(userName)) {
      return Path.of("/var/cache/vxcc");
    }
    String xdg = env.getOrDefault("XDG_CACHE_HOME", "");
    // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
    if (xdg.startsWith("/")) {
      return Path.of(xdg, "vxcc");
    }
    String home = env.getOrDefault("HOME", "");
    return home.startsWith("/") ? Path.of(home, ".cache", "vxcc") : Path.of("/var/tmp", "vxcc-" + userName, "cache");
  }

  public static Path forThisProcess() {
    return of(System.getProperty("user.name", ""), System.getenv());
  }
}
