package dev.vxcc.daemon.args;

import java.util.ArrayList;
import java.util.List;

/**
 * The prerequisites of the first rule in a make-rule dependency list as gcc and clang write it
 * (-M, -MD, DEPENDENCIES_OUTPUT): backslash-newline continues a line, "\ " and "\#" are a space
 * and a hash in a name, "$$" is a dollar. Later rules (-MP's empty ones) are ignored.
 */
public final class MakeRule {
  private MakeRule() {}

  /** @throws IllegalArgumentException when the text holds no rule */
  public static List<String> prerequisites(String text) {
    String joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    int end = joined.indexOf('\n');
    String rule = end < 0 ? joined : joined.substring(0, end);
    int colon = targetEnd(rule);
    if (colon < 0) {
      throw new IllegalArgumentException("no make rule");
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = colon + 1; i < rule.length(); i++) {
      char c = rule.charAt(i);
      if (c == '\\' && i + 1 < rule.length() && (rule.charAt(i + 1) == ' ' || rule.charAt(i + 1) == '#')) {
        cur.append(rule.charAt(++i));
      } else if (c == '$' && i + 1 < rule.length() && rule.charAt(i + 1) == '$') {
        cur.append('$');
        i++;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        flush(cur, out);
      } else {
        cur.append(c);
      }
    }
    flush(cur, out);
    return out;
  }

  /** The colon that ends the targets: one followed by blank or end (a path may hold "c:" elsewhere). */
  private static int targetEnd(String rule) {
    for (int i = 0; i < rule.length(); i++) {
      if (rule.charAt(i) == '\\') {
        i++;
      } else if (rule.charAt(i) == ':' && (i + 1 == rule.length() || rule.charAt(i + 1) == ' ' || rule.charAt(i + 1) == '\t')) {
        return i;
      }
    }
    return -1;
  }

  private static void flush(StringBuilder cur, List<String> out) {
    if (!cur.isEmpty()) {
      out.add(cur.toString());
      cur.setLength(0);
    }
  }

  /** The value of the last occurrence of an option ("-MF x" or "-MFx"), or null: the one gcc and clang obey. */
  public static String lastValue(List<String> argv, String option) {
    String v = null;
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals(option) && i + 1 < argv.size()) {
        v = argv.get(++i);
      } else if (a.startsWith(option) && a.length() > option.length()) {
        v = a.substring(option.length());
      }
    }
    return v;
  }
}
