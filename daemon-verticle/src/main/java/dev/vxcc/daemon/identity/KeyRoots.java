package dev.vxcc.daemon.identity;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * Which configured roots (the checkout's base dir, the compiler's installation prefix) a key may
 * replace by placeholders: only those the object provably cannot name (see {@link TaskKey}).
 */
public final class KeyRoots {
  static final String BASE_PLACEHOLDER = "\0BASE\0";
  static final String COMPILER_PLACEHOLDER = "\0COMPILER\0";
  private static final List<String> COMPILER_OWNED = List.of("lib/gcc/", "lib64/gcc/", "lib/clang/", "include/c++/");
  private static final java.util.regex.Pattern LINEMARKER = java.util.regex.Pattern.compile("\\s*#\\s*(line\\s+)?[0-9]+\\s+\"");

  private KeyRoots() {}

  record Root(String path, String placeholder, boolean compiler) {
    boolean covers(String p) {
      if (!(p.equals(path) || p.startsWith(path) && p.charAt(path.length()) == '/')) {
        return false;
      }
      if (!compiler) {
        return true;
      }
      String rest = p.length() > path.length() ? p.substring(path.length() + 1) : "";
      if (COMPILER_OWNED.stream().anyMatch(rest::startsWith)) {
        return true;
      }
      // Multiarch C++ headers: include/x86_64-linux-gnu/c++/12/
      int slash = rest.indexOf('/', "include/".length());
      return rest.startsWith("include/") && slash > 0 && rest.startsWith("c++/", slash + 1);
    }

    String rewrite(String p) {
      return placeholder + p.substring(path.length());
    }
  }

  /** Absolute, normalised, not "/", and writable inside a linemarker without escaping. */
  public static String usableRoot(String dir) {
    if (dir == null || dir.isEmpty() || !dir.startsWith("/")) {
      return null;
    }
    String d = dir;
    while (d.length() > 1 && d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.equals("/") || !Path.of(d).normalize().toString().equals(d)) {
      return null;
    }
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    return d;
  }

  /** Reasons independent of the root: options and outputs that record source paths. */
  static String inertnessProblem(TaskKey.Input in) {
    if (!in.extraOutputs().isEmpty()) {
      return "side outputs " + in.extraOutputs();
    }
    for (String a : in.remoteArgs()) {
      String l = a.toLowerCase(java.util.Locale.ROOT);
      if ((a.startsWith("-fsanitize") && !a.startsWith("-fsanitize-recover")) || l.contains("profile") || l.contains("coverage")
          || a.startsWith("-finstrument") || a.startsWith("-fxray") || a.equals("-pg")) {
        return "instrumentation " + a;
      }
    }
    return null;
  }

  /** Over-approximates: any -g form except -g0 / -gno-* counts, and -g0 resets. */
  static boolean debugInfo(List<String> args) {
    boolean debug = false;
    for (String a : args) {
      if (a.equals("-g0")) {
        debug = false;
      } else if (a.startsWith("-g") && !a.startsWith("-gno-")) {
        debug = true;
      }
    }
    return debug;
  }

  /**
   * A map of exactly this root exists and no map of a proper string prefix of it does (gcc applies
   * the last matching map given, clang the longest; only exactness makes both agree).
   */
  static boolean mapped(List<String> args, String root, List<String> options) {
    boolean exact = false;
    for (String a : args) {
      for (String opt : options) {
        if (!a.startsWith(opt)) {
          continue;
        }
        String v = a.substring(opt.length());
        int eq = v.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String old = v.substring(0, eq);
        String stripped = old;
        while (stripped.length() > 1 && stripped.endsWith("/")) {
          stripped = stripped.substring(0, stripped.length() - 1);
        }
        if (stripped.equals(root)) {
          exact = true;
        } else if (root.startsWith(old)) {
          return false;
        }
      }
    }
    return exact;
  }

  /**
   * After full expansion, a file-name macro has become a string literal with its path, and a
   * pasted {@code __builtin_FILE} a plain token: clean means neither the root (for a compiler
   * root: anything below its lib/ or include/) nor such a token appears outside directives. No
   * expansion counts as not clean.
   */
  static boolean expansionClean(byte[] expanded, Root root) {
    if (expanded == null) {
      return false;
    }
    List<String> needles = root.compiler() ? List.of(root.path() + "/lib/", root.path() + "/lib64/", root.path() + "/include/")
        : List.of(root.path());
    String text = new String(expanded, StandardCharsets.ISO_8859_1);
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      // Only linemarkers are skipped: a #pragma may carry expanded macros.
      if (!LINEMARKER.matcher(line).lookingAt()) {
        for (String n : needles) {
          if (line.contains(n)) {
            return false;
          }
        }
        if (SourceNameScan.collectFragments(line.getBytes(StandardCharsets.ISO_8859_1), new HashSet<String>())) {
          return false;
        }
      }
      start = end + 1;
    }
    return true;
  }
}
