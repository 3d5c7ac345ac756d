package dev.vxcc.daemon.local;

import java.nio.charset.StandardCharsets;

/**
 * The short {@code note} a directive carries for the wrapper's debug log: where a result came
 * from (a remote compile and a cache hit must not look alike), and which diagnostic sent a
 * compile back to this machine.
 */
final class Notes {
  /** Long enough for a compiler's "file:line:col: warning: …" line, short enough for one log line. */
  static final int MAX_CHARS = 200;

  private Notes() {}

  static String of(RemoteResult r) {
    return RemoteResult.FROM_CACHE.equals(r.servant()) ? "from the shared cache" : "compiled remotely on " + r.servant();
  }

  /**
   * The diagnostic in a compiler's output: its first "error:"/"warning:" line (gcc and clang put
   * "In file included from …" and "In function …" context before it), else its first non-blank
   * line; printable and bounded; "" if there is none.
   */
  static String diagnostic(byte[] text) {
    String first = "";
    for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
      String clean = line.replaceAll("\\p{Cntrl}", "").strip();
      if (DIAGNOSTIC.matcher(clean).find()) {
        return bounded(clean);
      }
      if (first.isEmpty()) {
        first = clean;
      }
    }
    return bounded(first);
  }

  private static final java.util.regex.Pattern DIAGNOSTIC = java.util.regex.Pattern.compile(": (fatal error|error|warning): ");

  private static String bounded(String s) {
    return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) + "…" : s;
  }
}
