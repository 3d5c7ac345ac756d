package dev.vxcc.daemon.identity;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds what could expand to the name of a file ({@code __FILE__} and its relatives) in a text and
 * its arguments, as whole tokens or as fragments that token pasting could join. A lexer just good
 * enough for that: it over-approximates (comments and strings count), never under.
 */
final class SourceNameScan {
  /** Everything that can expand to the name of a file. */
  static final List<String> FILE_NAME_SOURCES = List.of("__FILE__", "__BASE_FILE__", "__FILE_NAME__", "__builtin_FILE",
      "__builtin_FILE_NAME", "__builtin_source_location");
  /** clang predefines integer-constant suffix macros that are not in rewrite-includes output. */
  private static final List<String> PREDEFINED_PIECES = List.of("L", "LL", "U", "UL", "ULL");
  private static final int MAX_SOURCE_NAME = FILE_NAME_SOURCES.stream().mapToInt(String::length).max().orElse(0);
  private static final Set<String> SOURCE_FRAGMENTS = new HashSet<>();

  static {
    for (String s : FILE_NAME_SOURCES) {
      for (int i = 0; i < s.length(); i++) {
        for (int j = i + 1; j <= s.length(); j++) {
          SOURCE_FRAGMENTS.add(s.substring(i, j));
        }
      }
    }
  }

  private SourceNameScan() {}

  enum FileNames { NONE, PASTE, DIRECT }

  /**
   * DIRECT when one of {@link #FILE_NAME_SOURCES} is a token anywhere (comments and strings
   * included, which only over-approximates); PASTE when one could be pasted together ({@code ##})
   * from at least two tokens that occur. glibc alone has {@code __FILE} and {@code __} and a free
   * {@code __CONCAT(x,y) x ## y}, so PASTE is common and is settled by the real expansion.
   */
  static FileNames fileNames(byte[] text, List<String> args) {
    Set<String> pieces = new HashSet<>(PREDEFINED_PIECES);
    if (collectFragments(text, pieces)) {
      return FileNames.DIRECT;
    }
    for (String a : args) {
      if (collectFragments(a.getBytes(StandardCharsets.UTF_8), pieces)) {
        return FileNames.DIRECT;
      }
    }
    for (String s : FILE_NAME_SOURCES) {
      if (pasteable(s, pieces)) {
        return FileNames.PASTE;
      }
    }
    return FileNames.NONE;
  }

  /** Adds tokens that are fragments of a file-name source; true at once when one is whole. */
  static boolean collectFragments(byte[] b, Set<String> pieces) {
    StringBuilder tok = new StringBuilder();
    int len = 0;
    int n = b.length;
    for (int i = 0; i <= n; i++) {
      int c = i < n ? b[i] & 0xff : ' ';
      // Backslash-newline (and the trigraph ??/) splices lines before tokens are formed.
      int splice = i < n ? spliceLength(b, i) : 0;
      if (splice > 0) {
        i += splice - 1;
        continue;
      }
      if (c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        if (len < MAX_SOURCE_NAME) {
          tok.append((char) c);
        }
        len++;
        continue;
      }
      if (len > 0 && len <= MAX_SOURCE_NAME) {
        String t = tok.toString();
        if (SOURCE_FRAGMENTS.contains(t)) {
          if (FILE_NAME_SOURCES.contains(t)) {
            return true;
          }
          pieces.add(t);
        }
      }
      tok.setLength(0);
      len = 0;
    }
    return false;
  }

  static int spliceLength(byte[] b, int i) {
    int n = b.length;
    int k;
    if (b[i] == '\\') {
      k = i + 1;
    } else if (b[i] == '?' && i + 2 < n && b[i + 1] == '?' && b[i + 2] == '/') {
      k = i + 3;
    } else {
      return 0;
    }
    if (k < n && b[k] == '\n') {
      return k + 1 - i;
    }
    if (k + 1 < n && b[k] == '\r' && b[k + 1] == '\n') {
      return k + 2 - i;
    }
    return 0;
  }

  /** Whether s is a concatenation of at least two pieces. */
  static boolean pasteable(String s, Set<String> pieces) {
    boolean[] reach = new boolean[s.length() + 1];
    reach[0] = true;
    for (int i = 0; i < s.length(); i++) {
      if (!reach[i]) {
        continue;
      }
      for (int j = i + 1; j <= s.length(); j++) {
        if ((i > 0 || j < s.length()) && pieces.contains(s.substring(i, j))) {
          reach[j] = true;
        }
      }
    }
    return reach[s.length()];
  }
}
