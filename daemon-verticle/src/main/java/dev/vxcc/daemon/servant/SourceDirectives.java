package dev.vxcc.daemon.servant;

import dev.vxcc.common.util.ByteSearch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Refuses sources whose preprocessor directives would make the servant's compiler read files:
 * both input modes run gcc's preprocessor over the stranger's text ({@code -fpreprocessed
 * -fdirectives-only} still honours {@code #include}), so {@code #include "/etc/passwd"} would
 * come back in the diagnostics. A delegate only ever sends the output of {@code -E
 * -fdirectives-only}, where includes and conditionals are already resolved and only
 * definitions, pragmas and line markers remain.
 *
 * <p>The scan errs towards refusing: where gcc's lexing depends on the dialect (trigraphs, raw
 * strings) every reading is tried, and a refused task simply compiles on its submitter.
 */
public final class SourceDirectives {
  /** Directives a directives-only output may hold; none of them opens a file. */
  private static final Set<String> ALLOWED = Set.of("", "define", "undef", "pragma", "ident", "sccs", "line", "error",
      "warning", "assert", "unassert");
  /** In a pragma these read files (PCH state, a dependency's timestamp). */
  private static final String[] PRAGMA_WORDS = {"pch_preprocess", "dependency"};
  private static final byte[] PCH_PREPROCESS = ascii("pch_preprocess");
  private static final byte[] COMMENT_END = ascii("*/");
  private static final byte[] DEFINE = ascii("define");
  private static final byte ORDINARY = 0;
  private static final byte NEWLINE_BYTE = 1;
  private static final byte BLANK = 2;
  private static final byte SLASH = 3;
  private static final byte HASH = 4;
  private static final byte PERCENT = 5;
  private static final byte RAW_R = 6;
  private static final byte QUOTE = 7;
  /** What each byte can start; ORDINARY bytes just end a line's start. */
  private static final byte[] KIND = new byte[256];
  /** Past a line's start blanks, '#' and '%' change nothing either: skipped with the ordinary bytes. */
  private static final boolean[] MIDLINE_STOP = new boolean[256];

  static {
    for (char c : " \t\f\u000b\r".toCharArray()) {
      KIND[c] = BLANK;
    }
    KIND['\n'] = NEWLINE_BYTE;
    KIND['/'] = SLASH;
    KIND['#'] = HASH;
    KIND['%'] = PERCENT;
    KIND['R'] = RAW_R;
    KIND['"'] = QUOTE;
    KIND['\''] = QUOTE;
    for (int b = 0; b < 256; b++) {
      MIDLINE_STOP[b] = KIND[b] != ORDINARY && KIND[b] != BLANK && KIND[b] != HASH && KIND[b] != PERCENT;
    }
  }

  private SourceDirectives() {}

  /**
   * Word-at-a-time searches find what changes the reading (trigraphs, splices) and the PCH pragma,
   * one pass scans the directives; a reading with raw strings is scanned only when that pass met
   * something that could open one, since until then both readings see the same tokens.
   *
   * @return why the source is refused, or null when no directive can open a file
   */
  public static String problem(byte[] text) {
    Features f = features(text);
    for (int t = 0; t <= (f.trigraphs ? 1 : 0); t++) {
      // A replaced ??/ is a backslash that may splice, so the trigraph reading always splices.
      byte[] logical = splice(t == 1 ? replaceTrigraphs(text) : text);
      Scan plain = scan(logical, false);
      if (plain.problem != null) {
        return plain.problem;
      }
      if (plain.rawCandidate) {
        String p = scan(logical, true).problem;
        if (p != null) {
          return p;
        }
      }
    }
    // _Pragma strings are built by macros, too late for a scan of directives.
    return f.pch ? "the source mentions pch_preprocess" : null;
  }

  private record Features(boolean trigraphs, boolean pch) {}

  private static Features features(byte[] s) {
    boolean trigraphs = false;
    for (int i = ByteSearch.indexOfPair(s, (byte) '?', 0); i >= 0 && i + 2 < s.length && !trigraphs;
        i = ByteSearch.indexOfPair(s, (byte) '?', i + 1)) {
      trigraphs = "=/'()!<>-".indexOf(s[i + 2]) >= 0;
    }
    return new Features(trigraphs, ByteSearch.indexOf(s, PCH_PREPROCESS, 0) >= 0);
  }

  /** The index after a backslash-newline starting at i, or 0 when there is none. */
  private static int spliceEnd(byte[] in, int i) {
    int j = i + 1;
    while (j < in.length && (in[j] == ' ' || in[j] == '\t' || in[j] == '\f' || in[j] == 0x0b || in[j] == '\r')) {
      j++;
    }
    return j < in.length && in[j] == '\n' ? j + 1 : 0;
  }

  /**
   * Phase 2: backslash, optional blanks (gcc accepts them with a warning), newline. The text itself
   * when nothing is spliced (no copy of megabytes); otherwise the runs between splices are copied whole.
   */
  static byte[] splice(byte[] in) {
    byte[] out = null;
    int o = 0;
    int copied = 0;
    for (int i = ByteSearch.indexOf(in, (byte) '\\', 0); i >= 0; i = ByteSearch.indexOf(in, (byte) '\\', i + 1)) {
      int next = spliceEnd(in, i);
      if (next > 0) {
        if (out == null) {
          out = new byte[in.length];
        }
        System.arraycopy(in, copied, out, o, i - copied);
        o += i - copied;
        copied = next;
        i = next - 1;
      }
    }
    if (out == null) {
      return in;
    }
    System.arraycopy(in, copied, out, o, in.length - copied);
    return Arrays.copyOf(out, o + in.length - copied);
  }

  /** @param rawCandidate the plain reading passed an R" where a raw string could begin */
  private record Scan(String problem, boolean rawCandidate) {}

  private static Scan scan(byte[] s, boolean rawStrings) {
    boolean lineStart = true;
    boolean rawCandidate = false;
    int i = 0;
    int n = s.length;
    while (i < n) {
      byte c = s[i];
      byte kind = KIND[c & 0xff];
      if (kind == ORDINARY || (!lineStart && !MIDLINE_STOP[c & 0xff])) {
        lineStart = false;
        do {
          i++;
        } while (i < n && !MIDLINE_STOP[s[i] & 0xff]);
      } else if (kind == NEWLINE_BYTE) {
        lineStart = true;
        i++;
      } else if (kind == BLANK) {
        i++;
      } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
        int end = ByteSearch.indexOf(s, COMMENT_END, i + 2);
        int stop = end < 0 ? n : end + 2;
        // gcc takes "# include" after a comment spanning lines as a directive.
        for (int k = i; k < stop && !lineStart; k++) {
          lineStart = s[k] == '\n';
        }
        i = stop;
      } else if (c == '/' && i + 1 < n && s[i + 1] == '/') {
        while (i < n && s[i] != '\n') {
          i++;
        }
      } else if (lineStart && (c == '#' || (c == '%' && i + 1 < n && s[i + 1] == ':'))) {
        i += c == '#' ? 1 : 2;
        int nameStart = skipBlanksAndComments(s, i);
        int nameEnd = nameStart;
        while (nameEnd < n && identifierByte(s[nameEnd])) {
          nameEnd++;
        }
        String p = directiveProblem(s, nameStart, nameEnd);
        if (p != null) {
          return new Scan(p, rawCandidate);
        }
        lineStart = false;
        i = nameEnd;
      } else if (c == 'R' && i + 1 < n && s[i + 1] == '"' && (i == 0 || !identifierByte(s[i - 1]) || rawPrefix(s, i))) {
        rawCandidate = true;
        int open = i + 2;
        while (rawStrings && open < n && open - (i + 2) <= 16 && s[open] != '(' && s[open] != '\n') {
          open++;
        }
        if (!rawStrings || open >= n || s[open] != '(' || open - (i + 2) > 16) {
          i++; // not a raw string (in this reading): lexed as an identifier and an ordinary string
          lineStart = false;
          continue;
        }
        byte[] close = ascii(")" + new String(s, i + 2, open - (i + 2), StandardCharsets.ISO_8859_1) + "\"");
        int end = ByteSearch.indexOf(s, close, open + 1);
        i = end < 0 ? n : end + close.length;
        lineStart = false;
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && s[i] != c && s[i] != '\n') {
          i += s[i] == '\\' && i + 1 < n && s[i + 1] != '\n' ? 2 : 1;
        }
        if (i < n && s[i] == c) {
          i++;
        }
        lineStart = false;
      } else {
        lineStart = false;
        i++;
      }
    }
    return new Scan(null, rawCandidate);
  }

  /** Why the directive named by s[start, end) is refused, or null. */
  private static String directiveProblem(byte[] s, int start, int end) {
    // Definitions and linemarkers are most of a directives-only text: no string for them.
    if (end - start == DEFINE.length && ByteSearch.regionEquals(s, start, DEFINE) || digits(s, start, end)) {
      return null;
    }
    String name = new String(s, start, end - start, StandardCharsets.ISO_8859_1);
    if (!ALLOWED.contains(name)) {
      return "preprocessor directive #" + name + " is not accepted on a servant (sources must be -fdirectives-only output)";
    }
    if (name.equals("pragma")) {
      int eol = ByteSearch.indexOf(s, (byte) '\n', end);
      String rest = new String(s, end, (eol < 0 ? s.length : eol) - end, StandardCharsets.ISO_8859_1);
      for (String w : PRAGMA_WORDS) {
        if (rest.contains(w)) {
          return "#pragma " + w + " is not accepted on a servant";
        }
      }
    }
    return null;
  }

  private static boolean digits(byte[] s, int start, int end) {
    for (int k = start; k < end; k++) {
      if (s[k] < '0' || s[k] > '9') {
        return false;
      }
    }
    return end > start;
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
        int end = ByteSearch.indexOf(s, COMMENT_END, i + 2);
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
