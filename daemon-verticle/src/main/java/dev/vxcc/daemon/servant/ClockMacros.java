package dev.vxcc.daemon.servant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether files name the clock macros, remembered by content digest: a source-tree result is
 * stored only when no file it read could make the next identical compile differ. __DATE__ and
 * __TIME__ are fixed by SOURCE_DATE_EPOCH; __TIMESTAMP__ (a file's mtime) never is. A mention in
 * a comment counts too: a few needless misses buy never a wrong hit. Thread-safe; blocking.
 */
public final class ClockMacros {
  static final int DATE_OR_TIME = 1;
  static final int TIMESTAMP = 2;

  private final int maxEntries;
  private final LinkedHashMap<String, Integer> byDigest;

  public ClockMacros(int maxEntries) {
    this.maxEntries = maxEntries;
    this.byDigest = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
        return size() > ClockMacros.this.maxEntries;
      }
    };
  }

  /** The macros the file names, as flags; the file must have this digest (its caller checked). */
  public int of(String digest, Path file) throws IOException {
    synchronized (this) {
      Integer known = byDigest.get(digest);
      if (known != null) {
        return known;
      }
    }
    int flags = scan(Files.readAllBytes(file));
    synchronized (this) {
      byDigest.put(digest, flags);
    }
    return flags;
  }

  /** One pass: every "__" is checked for the three names that follow it. */
  static int scan(byte[] b) {
    int flags = 0;
    for (int i = 0; i + 7 < b.length; i++) {
      if (b[i] != '_' || b[i + 1] != '_') {
        continue;
      }
      if (at(b, i + 2, "DATE__") || at(b, i + 2, "TIME__")) {
        flags |= DATE_OR_TIME;
      } else if (at(b, i + 2, "TIMESTAMP__")) {
        flags |= TIMESTAMP;
      }
    }
    return flags;
  }

  /** Whether a compile that read files with these flags gives the same result next time. */
  public static boolean repeatable(int flags, String sourceDateEpoch) {
    return (flags & TIMESTAMP) == 0 && ((flags & DATE_OR_TIME) == 0 || !sourceDateEpoch.isEmpty());
  }

  private static boolean at(byte[] b, int from, String s) {
    if (from + s.length() > b.length) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[from + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
