package dev.vxcc.daemon.local;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the user's command writes its dependency file, read from its arguments, for direct mode,
 * which must write that file itself. Any spelling not understood here keeps direct mode off for
 * the compile rather than risk a missing or misplaced file.
 *
 * @param understood false: do not serve this compile directly
 * @param path absolute, or null when the command writes none
 */
record DependencyFileArg(boolean understood, Path path) {
  static final DependencyFileArg NOT_UNDERSTOOD = new DependencyFileArg(false, null);

  static DependencyFileArg of(List<String> args, Path cwd, Path outputPath) {
    boolean driverWritten = false;
    String named = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-MD") || a.equals("-MMD")) {
        driverWritten = true;
      } else if (a.equals("-MF")) {
        if (i + 1 >= args.size()) {
          return NOT_UNDERSTOOD;
        }
        named = args.get(++i);
      } else if (a.startsWith("-MF")) {
        named = a.substring(3);
      } else if (a.equals("-MT") || a.equals("-MQ")) {
        i++;
      } else if (a.startsWith("-MT") || a.startsWith("-MQ") || a.equals("-MP")) {
        // Only what the file says, which is recorded.
      } else if (a.startsWith("-M") || a.startsWith("-Wp,-M") || a.startsWith("-Xpreprocessor") || a.startsWith("--write")
          || a.startsWith("--user-dependencies") || a.startsWith("--dependencies")) {
        return NOT_UNDERSTOOD;
      }
    }
    if (!driverWritten) {
      return named == null ? new DependencyFileArg(true, null) : NOT_UNDERSTOOD;
    }
    if (named != null) {
      return named.isEmpty() || named.equals("-") ? NOT_UNDERSTOOD : new DependencyFileArg(true, cwd.resolve(named).normalize());
    }
    String out = outputPath.toString();
    int slash = out.lastIndexOf('/');
    int dot = out.lastIndexOf('.');
    return new DependencyFileArg(true, Path.of((dot > slash + 1 ? out.substring(0, dot) : out) + ".d"));
  }
}
