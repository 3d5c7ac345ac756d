package dev.vxcc.daemon.local;

import java.util.List;

/**
 * What makes two compiles of one compiler comparable in duration: their arguments without the parts
 * that name files (every file of a target has its own), and the order of magnitude of the source.
 */
final class ArgumentShape {
  private ArgumentShape() {}

  static String of(List<String> args, int compressedSourceBytes) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      sb.append(namesFile(a) ? "_" : a).append('\u0000');
    }
    // Powers of two: a source twice as big may well take twice as long, a few bytes more does not matter.
    sb.append("size2^").append(32 - Integer.numberOfLeadingZeros(Math.max(0, compressedSourceBytes)));
    return sb.toString();
  }

  private static boolean namesFile(String arg) {
    return arg.indexOf('/') >= 0 || arg.endsWith(".o") || arg.endsWith(".d") || arg.endsWith(".c") || arg.endsWith(".cc")
        || arg.endsWith(".cpp") || arg.endsWith(".cxx") || arg.endsWith(".i") || arg.endsWith(".ii");
  }
}
