package dev.vxcc.daemon.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles that printed something on the preprocessed-text path (warnings, errors, gcc's
 * main-file-as-header), by compiler, directory and arguments: next time they go straight to a
 * source tree, whose output is the compiler's own, instead of compiling twice. Bounded (least
 * recently used first); thread-safe (recipes are built on workers).
 */
final class PrintingCompiles {
  private final int maxEntries;
  private final LinkedHashMap<String, Boolean> seen;

  PrintingCompiles(int maxEntries) {
    this.maxEntries = maxEntries;
    this.seen = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > PrintingCompiles.this.maxEntries;
      }
    };
  }

  synchronized void remember(String compilerDigest, String cwd, List<String> args) {
    seen.put(key(compilerDigest, cwd, args), Boolean.TRUE);
  }

  synchronized boolean printed(String compilerDigest, String cwd, List<String> args) {
    return seen.get(key(compilerDigest, cwd, args)) != null;
  }

  synchronized int size() {
    return seen.size();
  }

  private static String key(String compilerDigest, String cwd, List<String> args) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(compilerDigest.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(cwd.getBytes(StandardCharsets.UTF_8));
      for (String a : args) {
        sha.update((byte) 0);
        sha.update(a.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
