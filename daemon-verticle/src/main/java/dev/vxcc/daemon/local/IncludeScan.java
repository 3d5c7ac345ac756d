package dev.vxcc.daemon.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
   * @return empty when the text cannot be trusted to name its inputs (an unparseable marker, or no
   *     marker at all) or reads the clock, so that nothing is recorded for it
   */
  static Optional<Includes> scan(byte[] text, Path cwd) {
    if (readsClock(text)) {
      return Optional.empty();
    }
    Map<Path, Path> includer = new LinkedHashMap<>();
    List<Path> stack = new ArrayList<>();
    Path main = null;
    int i = 0;
    int n = text.length;
    while (i < n) {
      int end = i;
      while (end < n && text[end] != '\n') {
        end++;
      }
      if (text[i] == '#') {
        Marker m = marker(text, i, end);
        if (m == Marker.BAD) {
          return Optional.empty();
        }
        if (m != null) {
          // Pseudo-files (<built-in>, <command-line>) are entered and left like files: kept on
          // the stack as null so that their "return" marker pops the right level.
          Path p = m.name.startsWith("<") ? null : cwd.resolve(m.name).normalize();
          if (main == null) {
            if (p != null) {
              main = p;
              stack.add(p);
            }
          } else if (m.flag == 1) {
            if (p != null) {
              includer.putIfAbsent(p, nearestFile(stack, main));
            }
            stack.add(p);
          } else if (m.flag == 2 && stack.size() > 1) {
            stack.remove(stack.size() - 1);
          }
        }
      }
      i = end + 1;
    }
    return main == null ? Optional.empty() : Optional.of(new Includes(main, includer));
  }

  private static Path nearestFile(List<Path> stack, Path main) {
    for (int k = stack.size() - 1; k >= 0; k--) {
      if (stack.get(k) != null) {
        return stack.get(k);
      }
    }
    return main;
  }

  private record Marker(String name, int flag) {
    static final Marker BAD = new Marker("", -1);
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
    java.io.ByteArrayOutputStream name = new java.io.ByteArrayOutputStream();
    while (true) {
      if (i >= end) {
        return Marker.BAD;
      }
      byte c = t[i];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        if (i + 1 >= end) {
          return Marker.BAD;
        }
        byte e = t[i + 1];
        if (e == '\\' || e == '"') {
          name.write(e);
          i += 2;
          continue;
        }
        // Octal escapes (unusual bytes in a file name): not worth the risk of a wrong path.
        return Marker.BAD;
      }
      name.write(c);
      i++;
    }
    int flag = 0;
    i++;
    while (i < end && t[i] == ' ') {
      i++;
    }
    if (i < end && t[i] >= '1' && t[i] <= '2' && (i + 1 == end || t[i + 1] == ' ' || t[i + 1] == '\r')) {
      flag = t[i] - '0';
    }
    return new Marker(name.toString(StandardCharsets.UTF_8), flag);
  }

  private static final byte[][] CLOCK = {bytes("__TIME__"), bytes("__DATE__"), bytes("__TIMESTAMP__")};

  /** Any mention at all, even in a comment: such sources are never served without compiling. */
  static boolean readsClock(byte[] text) {
    for (int i = 0; i + 8 <= text.length; i++) {
      if (text[i] == '_' && text[i + 1] == '_') {
        for (byte[] needle : CLOCK) {
          if (startsWith(text, i, needle)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] text, int at, byte[] needle) {
    if (at + needle.length > text.length) {
      return false;
    }
    for (int j = 0; j < needle.length; j++) {
      if (text[at + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
