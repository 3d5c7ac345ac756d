package dev.vxcc.daemon.local;

import dev.vxcc.common.util.ByteSearch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The files a preprocessing run read, from its linemarkers ({@code # 12 "path" 1}): gcc's
 * -fdirectives-only and clang's -frewrite-includes both mark every entered file with flag 1, so
 * the list is complete for the recipes direct mode records. Each file is mapped to the file that
 * included it, which is where a quoted include would have been looked for first.
 */
final class IncludeScan {
  private IncludeScan() {}

  /** Included file (absolute, normalised) to its includer (the main source for top-level ones). */
  record Includes(Path main, Map<Path, Path> includer) {}

  /**
   * Callers pass only texts whose task key found no clock read ({@link
   * dev.vxcc.daemon.identity.TaskKeyBuilder}: any mention of {@code __DATE__}, {@code __TIME__} or
   * {@code __TIMESTAMP__}, even in a comment), so that such a source is never served without
   * compiling; this scan does not look again.
   *
   * @return empty when the text cannot be trusted to name its inputs (an unparseable marker, or no
   *     marker at all), so that nothing is recorded for it
   */
  static Optional<Includes> scan(byte[] text, Path cwd) {
    Map<Path, Path> includer = new LinkedHashMap<>();
    // A header's name comes back in the marker of every return to it: resolved once.
    Map<String, Path> resolved = new HashMap<>();
    List<Path> stack = new ArrayList<>();
    Path main = null;
    // Markers start a line with '#': only those are read, the lines between are skipped whole.
    for (int i = ByteSearch.indexOf(text, (byte) '#', 0), end; i >= 0; i = ByteSearch.indexOf(text, (byte) '#', end + 1)) {
      end = lineEnd(text, i);
      if (i > 0 && text[i - 1] != '\n') {
        continue;
      }
      Marker m = marker(text, i, end);
      if (m == Marker.BAD) {
        return Optional.empty();
      }
      if (m == null || (main != null && m.flag != 1)) {
        if (m != null && m.flag == 2 && stack.size() > 1) {
          stack.remove(stack.size() - 1);
        }
        continue;
      }
      // Pseudo-files (<built-in>, <command-line>) are entered and left like files: kept on
      // the stack as null so that their "return" marker pops the right level.
      String name = m.name();
      Path p = name.startsWith("<") ? null : resolved.computeIfAbsent(name, k -> cwd.resolve(k).normalize());
      if (main == null) {
        if (p != null) {
          main = p;
          stack.add(p);
        }
      } else {
        if (p != null) {
          includer.putIfAbsent(p, nearestFile(stack, main));
        }
        stack.add(p);
      }
    }
    return main == null ? Optional.empty() : Optional.of(new Includes(main, includer));
  }

  private static int lineEnd(byte[] text, int from) {
    int end = ByteSearch.indexOf(text, (byte) '\n', from);
    return end < 0 ? text.length : end;
  }

  private static Path nearestFile(List<Path> stack, Path main) {
    for (int k = stack.size() - 1; k >= 0; k--) {
      if (stack.get(k) != null) {
        return stack.get(k);
      }
    }
    return main;
  }

  /** The name is decoded only when asked: most markers are returns and line jumps. */
  private record Marker(byte[] text, int nameStart, int nameEnd, boolean escaped, int flag) {
    static final Marker BAD = new Marker(new byte[0], 0, 0, false, -1);

    String name() {
      if (!escaped) {
        return new String(text, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(nameEnd - nameStart);
      for (int i = nameStart; i < nameEnd; i++) {
        out.write(text[i] == '\\' ? text[++i] : text[i]);
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** A linemarker line, null for any other directive, BAD for a marker we cannot read. */
  private static Marker marker(byte[] t, int start, int end) {
    int i = start + 1;
    while (i < end && t[i] == ' ') {
      i++;
    }
    if (i >= end || t[i] < '0' || t[i] > '9') {
      return null;
    }
    while (i < end && t[i] >= '0' && t[i] <= '9') {
      i++;
    }
    if (i + 1 >= end || t[i] != ' ' || t[i + 1] != '"') {
      return null;
    }
    i += 2;
    int nameStart = i;
    boolean escaped = false;
    while (true) {
      if (i >= end) {
        return Marker.BAD;
      }
      byte c = t[i];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        // Only \\ and \" are read; octal escapes (unusual bytes in a file name) are not worth
        // the risk of a wrong path.
        if (i + 1 >= end || (t[i + 1] != '\\' && t[i + 1] != '"')) {
          return Marker.BAD;
        }
        escaped = true;
        i += 2;
        continue;
      }
      i++;
    }
    int nameEnd = i;
    int flag = 0;
    i++;
    while (i < end && t[i] == ' ') {
      i++;
    }
    if (i < end && t[i] >= '1' && t[i] <= '2' && (i + 1 == end || t[i + 1] == ' ' || t[i + 1] == '\r')) {
      flag = t[i] - '0';
    }
    return new Marker(t, nameStart, nameEnd, escaped, flag);
  }

}
