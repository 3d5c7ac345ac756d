package dev.vxcc.daemon.servant;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The directive scan as it was before it became one pass (every dialect reading scanned in full,
 * one search per needle), kept as the reference the rewrite must agree with.
 */
final class SourceDirectivesReference {
  /** Directives a directives-only output may hold; none of them opens a file. */
  private static final Set<String> ALLOWED = Set.of("", "define", "undef", "pragma", "ident", "sccs", "line", "error",
      "warning", "assert", "unassert");
  /** In a pragma these read files (PCH state, a dependency's timestamp). */
  private static final String[] PRAGMA_WORDS = {"pch_preprocess", "dependency"};

  private SourceDirectivesReference() {}

  /** @return why the source is refused, or null when no directive can open a file */
  static String problem(byte[] text) {
    return problemOver(text, SourceDirectivesReference::splice, SourceDirectivesReference::replaceTrigraphs);
  }

  /** {@link #problem} with the copying steps given (tests compare them with earlier versions). */
  static String problemOver(byte[] text, UnaryOperator<byte[]> splice, UnaryOperator<byte[]> replaceTrigraphs) {
    boolean trigraphs = containsTrigraph(text);
    boolean raw = contains(text, "R\"");
    for (int t = 0; t <= (trigraphs ? 1 : 0); t++) {
      byte[] logical = splice.apply(t == 1 ? replaceTrigraphs.apply(text) : text);
      for (int r = 0; r <= (raw ? 1 : 0); r++) {
        String p = scan(logical, r == 1);
        if (p != null) {
          return p;
        }
      }
    }
    // _Pragma strings are built by macros, too late for a scan of directives.
    return contains(text, "pch_preprocess") ? "the source mentions pch_preprocess" : null;
  }

  /**
   * Phase 2: backslash, optional blanks (gcc accepts them with a warning), newline. The text itself
   * when nothing is spliced (no copy of megabytes); otherwise the runs between splices are copied whole.
   */
  static byte[] splice(byte[] in) {
    byte[] out = null;
    int o = 0;
    int copied = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] != '\\') {
        continue;
      }
      int j = i + 1;
      while (j < in.length && (in[j] == ' ' || in[j] == '\t' || in[j] == '\f' || in[j] == 0x0b || in[j] == '\r')) {
        j++;
      }
      if (j < in.length && in[j] == '\n') {
        if (out == null) {
          out = new byte[in.length];
        }
        System.arraycopy(in, copied, out, o, i - copied);
        o += i - copied;
        copied = j + 1;
        i = j;
      }
    }
    if (out == null) {
      return in;
    }
    System.arraycopy(in, copied, out, o, in.length - copied);
    return Arrays.copyOf(out, o + in.length - copied);
  }

  private static String scan(byte[] s, boolean rawStrings) {
    boolean lineStart = true;
    int i = 0;
    while (i < s.length) {
      byte c = s[i];
      if (c == '\n') {
        lineStart = true;
        i++;
      } else if (c == ' ' || c == '\t' || c == '\f' || c == 0x0b || c == '\r') {
        i++;
      } else if (c == '/' && i + 1 < s.length && s[i + 1] == '*') {
        int end = indexOf(s, "*/", i + 2);
        int stop = end < 0 ? s.length : end + 2;
        // gcc takes "# include" after a comment spanning lines as a directive.
        for (int k = i; k < stop && !lineStart; k++) {
          lineStart = s[k] == '\n';
        }
        i = stop;
      } else if (c == '/' && i + 1 < s.length && s[i + 1] == '/') {
        while (i < s.length && s[i] != '\n') {
          i++;
        }
      } else if (lineStart && (c == '#' || (c == '%' && i + 1 < s.length && s[i + 1] == ':'))) {
        i += c == '#' ? 1 : 2;
        int nameStart = skipBlanksAndComments(s, i);
        int nameEnd = nameStart;
        while (nameEnd < s.length && identifierByte(s[nameEnd])) {
          nameEnd++;
        }
        String name = new String(s, nameStart, nameEnd - nameStart, StandardCharsets.ISO_8859_1);
        if (!ALLOWED.contains(name) && !name.chars().allMatch(Character::isDigit)) {
          return "preprocessor directive #" + name + " is not accepted on a servant (sources must be -fdirectives-only output)";
        }
        if (name.equals("pragma")) {
          int eol = indexOf(s, "\n", nameEnd);
          String rest = new String(s, nameEnd, (eol < 0 ? s.length : eol) - nameEnd, StandardCharsets.ISO_8859_1);
          for (String w : PRAGMA_WORDS) {
            if (rest.contains(w)) {
              return "#pragma " + w + " is not accepted on a servant";
            }
          }
        }
        lineStart = false;
        i = nameEnd;
      } else if (rawStrings && c == 'R' && i + 1 < s.length && s[i + 1] == '"' && (i == 0 || !identifierByte(s[i - 1])
          || rawPrefix(s, i))) {
        int open = i + 2;
        while (open < s.length && open - (i + 2) <= 16 && s[open] != '(' && s[open] != '\n') {
          open++;
        }
        if (open >= s.length || s[open] != '(' || open - (i + 2) > 16) {
          i++; // not a raw string after all: lexed as an ordinary one, like the other reading does
          lineStart = false;
          continue;
        }
        String close = ")" + new String(s, i + 2, open - (i + 2), StandardCharsets.ISO_8859_1) + "\"";
        int end = indexOf(s, close, open + 1);
        i = end < 0 ? s.length : end + close.length();
        lineStart = false;
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < s.length && s[i] != c && s[i] != '\n') {
          i += s[i] == '\\' && i + 1 < s.length && s[i + 1] != '\n' ? 2 : 1;
        }
        if (i < s.length && s[i] == c) {
          i++;
        }
        lineStart = false;
      } else {
        lineStart = false;
        i++;
      }
    }
    return null;
  }

  /** u8R, uR, UR, LR: the R of a raw string may follow an encoding prefix. */
  private static boolean rawPrefix(byte[] s, int r) {
    int start = r;
    while (start > 0 && identifierByte(s[start - 1])) {
      start--;
    }
    String prefix = new String(s, start, r - start, StandardCharsets.ISO_8859_1);
    return prefix.equals("u8") || prefix.equals("u") || prefix.equals("U") || prefix.equals("L");
  }

  private static int skipBlanksAndComments(byte[] s, int i) {
    while (i < s.length) {
      if (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == 0x0b || s[i] == '\r') {
        i++;
      } else if (s[i] == '/' && i + 1 < s.length && s[i + 1] == '*') {
        int end = indexOf(s, "*/", i + 2);
        i = end < 0 ? s.length : end + 2;
      } else {
        return i;
      }
    }
    return i;
  }

  private static boolean identifierByte(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '$' || b < 0;
  }

  private static boolean containsTrigraph(byte[] s) {
    for (int i = 0; i + 2 < s.length; i++) {
      if (s[i] == '?' && s[i + 1] == '?' && "=/'()!<>-".indexOf(s[i + 2]) >= 0) {
        return true;
      }
    }
    return false;
  }

  static byte[] replaceTrigraphs(byte[] in) {
    byte[] out = new byte[in.length];
    int o = 0;
    for (int i = 0; i < in.length; i++) {
      int k = i + 2 < in.length && in[i] == '?' && in[i + 1] == '?' ? "=/'()!<>-".indexOf(in[i + 2]) : -1;
      if (k >= 0) {
        out[o++] = (byte) "#\\^[]|{}~".charAt(k);
        i += 2;
      } else {
        out[o++] = in[i];
      }
    }
    return Arrays.copyOf(out, o);
  }

  private static boolean contains(byte[] s, String needle) {
    return indexOf(s, needle, 0) >= 0;
  }

  private static int indexOf(byte[] s, String needle, int from) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    byte first = n[0];
    outer:
    for (int i = Math.max(0, from), last = s.length - n.length; i <= last; i++) {
      if (s[i] != first) {
        continue;
      }
      for (int k = 1; k < n.length; k++) {
        if (s[i + k] != n[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
