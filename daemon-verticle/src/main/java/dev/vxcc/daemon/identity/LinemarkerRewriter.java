package dev.vxcc.daemon.identity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the roots a key may normalise in the only places that carry paths: the old side of the
 * prefix-map options, linemarkers and {@code #line} directives (gcc's working-directory marker
 * {@code # 1 "/cwd//"} included), and the {@code #include} lines clang's {@code -frewrite-includes}
 * keeps inside its {@code #if 0} blocks. Everything else is left as it is, which at worst keeps
 * keys of different checkouts apart.
 */
final class LinemarkerRewriter {
  private LinemarkerRewriter() {}

  static List<String> normaliseArgs(List<String> args, List<KeyRoots.Root> roots) {
    List<String> out = new ArrayList<>(args.size());
    for (String a : args) {
      String r = a;
      for (String opt : List.of("-fdebug-prefix-map=", "-ffile-prefix-map=", "-fmacro-prefix-map=")) {
        if (!a.startsWith(opt)) {
          continue;
        }
        String v = a.substring(opt.length());
        int eq = v.indexOf('=');
        if (eq < 0) {
          break;
        }
        String old = v.substring(0, eq);
        // Only the old side: it selects paths, and a root there selects the same relative paths
        // in every checkout. A root on the new side would be written into the object.
        String norm = rewritePath(old, roots);
        if (norm != null) {
          r = opt + norm + v.substring(eq);
        }
        break;
      }
      out.add(r);
    }
    return out;
  }

  private static String rewritePath(String p, List<KeyRoots.Root> roots) {
    String trimmed = p;
    for (KeyRoots.Root r : roots) {
      if (r.covers(trimmed)) {
        return r.rewrite(trimmed);
      }
      // "-fdebug-prefix-map=/root/=." names the root with a trailing slash.
      if (trimmed.endsWith("/") && trimmed.length() > 1 && r.covers(trimmed.substring(0, trimmed.length() - 1))) {
        return r.rewrite(trimmed);
      }
    }
    return null;
  }

  /**
   * Rewrites roots in linemarkers, {@code #line}, and include lines inside clang's
   * {@code #if 0 /* expanded by -frewrite-includes} blocks. Lines that continue a previous line
   * or lie in a raw string literal are data, not directives, and are left alone. Returns the
   * input itself when nothing changed.
   */
  static byte[] normaliseText(byte[] b, List<KeyRoots.Root> roots) {
    boolean[] inRaw = rawStringLines(b);
    ByteArrayOutputStream out = null;
    int copied = 0;
    int lineNo = 0;
    int depth = 0;
    boolean blockClean = false;
    int n = b.length;
    boolean continued = false;
    for (int start = 0; start < n; lineNo++) {
      int end = start;
      while (end < n && b[end] != '\n') {
        end++;
      }
      boolean thisContinued = continued;
      continued = end > start && (b[end - 1] == '\\' || (b[end - 1] == '\r' && end - 2 >= start && b[end - 2] == '\\')
          || endsWithTrigraphSplice(b, start, end));
      if (!thisContinued && !inRaw[lineNo]) {
        Directive d = directive(b, start, end);
        if (d != null) {
          int[] span = null;
          if (d.kind == Kind.MARKER) {
            span = d.operand;
          } else if (d.kind == Kind.INCLUDE && depth > 0 && blockClean) {
            span = d.operand;
          }
          if (depth > 0) {
            switch (d.kind) {
              case IF -> depth++;
              case ENDIF -> depth--;
              case ELSE -> {
                if (depth == 1) {
                  blockClean = false;
                }
              }
              default -> { }
            }
          } else if (d.kind == Kind.IF && startsWith(b, start, end, "#if 0 /* expanded by -frewrite-includes */")) {
            depth = 1;
            blockClean = true;
          }
          if (span != null) {
            String p = new String(b, span[0], span[1] - span[0], StandardCharsets.ISO_8859_1);
            String r = rewritePath(p, roots);
            if (r == null && p.endsWith("//")) {
              r = rewritePath(p.substring(0, p.length() - 2), roots);
              r = r == null ? null : r + "//";
            }
            if (r != null) {
              if (out == null) {
                out = new ByteArrayOutputStream(b.length);
              }
              out.write(b, copied, span[0] - copied);
              out.writeBytes(r.getBytes(StandardCharsets.ISO_8859_1));
              copied = span[1];
            }
          }
        }
      }
      start = end + 1;
    }
    if (out == null) {
      return b;
    }
    out.write(b, copied, n - copied);
    return out.toByteArray();
  }

  private static boolean endsWithTrigraphSplice(byte[] b, int start, int end) {
    int e = end > start && b[end - 1] == '\r' ? end - 1 : end;
    return e - start >= 3 && b[e - 1] == '/' && b[e - 2] == '?' && b[e - 3] == '?';
  }

  private static boolean startsWith(byte[] b, int start, int end, String s) {
    int i = start;
    while (i < end && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    if (end - i < s.length()) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[i + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  enum Kind { MARKER, INCLUDE, IF, ELSE, ENDIF, OTHER }

  /** operand: [from, to) of the quoted path (without quotes), for MARKER and INCLUDE. */
  record Directive(Kind kind, int[] operand) {}

  static Directive directive(byte[] b, int start, int end) {
    int i = skipBlanks(b, start, end);
    if (i >= end || b[i] != '#') {
      return null;
    }
    i = skipBlanks(b, i + 1, end);
    int wordStart = i;
    while (i < end && (Character.isLetterOrDigit(b[i]) || b[i] == '_')) {
      i++;
    }
    String word = new String(b, wordStart, i - wordStart, StandardCharsets.ISO_8859_1);
    if (!word.isEmpty() && Character.isDigit(word.charAt(0))) {
      if (!word.chars().allMatch(Character::isDigit)) {
        return new Directive(Kind.OTHER, null);
      }
      return new Directive(Kind.MARKER, quoted(b, skipBlanks(b, i, end), end, '"'));
    }
    switch (word) {
      case "line" -> {
        int j = skipBlanks(b, i, end);
        int digits = j;
        while (j < end && b[j] >= '0' && b[j] <= '9') {
          j++;
        }
        return j > digits ? new Directive(Kind.MARKER, quoted(b, skipBlanks(b, j, end), end, '"')) : new Directive(Kind.OTHER, null);
      }
      case "include", "include_next", "import" -> {
        int j = skipBlanks(b, i, end);
        int[] span = j < end && b[j] == '<' ? quoted(b, j, end, '>') : quoted(b, j, end, '"');
        return new Directive(Kind.INCLUDE, span);
      }
      case "if", "ifdef", "ifndef" -> {
        return new Directive(Kind.IF, null);
      }
      case "else", "elif", "elifdef", "elifndef" -> {
        return new Directive(Kind.ELSE, null);
      }
      case "endif" -> {
        return new Directive(Kind.ENDIF, null);
      }
      default -> {
        return new Directive(Kind.OTHER, null);
      }
    }
  }

  private static int skipBlanks(byte[] b, int i, int end) {
    while (i < end && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** The contents of a quoted operand starting at b[i]; null when there is none or it is escaped. */
  private static int[] quoted(byte[] b, int i, int end, char close) {
    if (i >= end || (b[i] != '"' && b[i] != '<')) {
      return null;
    }
    int from = i + 1;
    for (int j = from; j < end; j++) {
      if (b[j] == '\\') {
        // Escaped names cannot start with a root (roots contain no backslash or quote) except
        // past the escape, where the prefix test fails anyway; keep it simple and skip.
        return null;
      }
      if (b[j] == close) {
        return new int[] {from, j};
      }
    }
    return null;
  }

  /**
   * Marks the lines that a raw string literal touches, from its opening line to its closing line.
   * Candidates are found without a full lexer, so strings and comments can produce false ones;
   * that only leaves more lines alone. An unterminated one reaches the end of the text.
   */
  static boolean[] rawStringLines(byte[] b) {
    int lines = 1;
    for (byte c : b) {
      if (c == '\n') {
        lines++;
      }
    }
    boolean[] marked = new boolean[lines + 1];
    int n = b.length;
    int line = 0;
    for (int i = 0; i < n; i++) {
      if (b[i] == '\n') {
        line++;
        continue;
      }
      if (b[i] != 'R') {
        continue;
      }
      int q = i + 1;
      int s;
      while (q < n && (s = SourceNameScan.spliceLength(b, q)) > 0) {
        q += s;
      }
      if (q >= n || b[q] != '"' || !rawPrefixStart(b, i)) {
        continue;
      }
      int d = q + 1;
      int k = d;
      while (k < n && k - d <= 16 && b[k] != '(' && b[k] != ')' && b[k] != '\\' && b[k] > ' ') {
        k++;
      }
      if (k >= n || b[k] != '(') {
        continue;
      }
      byte[] delim = java.util.Arrays.copyOfRange(b, d, k);
      int close = findClose(b, k + 1, delim);
      int endLine = line;
      int stop = close < 0 ? n : close;
      for (int x = i; x < stop; x++) {
        if (b[x] == '\n') {
          endLine++;
        }
      }
      for (int l = line; l <= endLine && l < marked.length; l++) {
        marked[l] = true;
      }
      if (close < 0) {
        for (int l = line; l < marked.length; l++) {
          marked[l] = true;
        }
        return marked;
      }
      line = endLine;
      i = close;
    }
    return marked;
  }

  /** R at i starts a raw string prefix: alone, or after u8, u, U or L, not inside an identifier. */
  private static boolean rawPrefixStart(byte[] b, int i) {
    int p = i;
    if (p >= 2 && b[p - 2] == 'u' && b[p - 1] == '8') {
      p -= 2;
    } else if (p >= 1 && (b[p - 1] == 'u' || b[p - 1] == 'U' || b[p - 1] == 'L')) {
      p -= 1;
    }
    if (p == 0) {
      return true;
    }
    int c = b[p - 1] & 0xff;
    // fooR"x" is an identifier and a string; a newline (perhaps after a splice) counts as a
    // boundary, which can only mark too much.
    return !(c == '_' || c == '$' || c >= 0x80 || Character.isLetterOrDigit(c));
  }

  private static int findClose(byte[] b, int from, byte[] delim) {
    int n = b.length;
    outer:
    for (int i = from; i < n; i++) {
      if (b[i] != ')') {
        continue;
      }
      for (int k = 0; k < delim.length; k++) {
        if (i + 1 + k >= n || b[i + 1 + k] != delim[k]) {
          continue outer;
        }
      }
      int q = i + 1 + delim.length;
      if (q < n && b[q] == '"') {
        return q;
      }
    }
    return -1;
  }
}
