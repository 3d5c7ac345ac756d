package dev.vxcc.daemon.servant;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields of a source-tree task, judged before anything touches the disk. The argument vector
 * is the user's own and runs inside a namespace that holds only the task's files and the servant's
 * read-only system directories (see {@link SourceTree}), so preprocessor options are fine here;
 * what stays refused is whatever loads code or runs other programs, reads argument files, or is
 * not a compile. Messages quote the request, never a servant path.
 */
final class TreeCheck {
  static final int MAX_FILES = 20_000;
  static final int MAX_OUTPUTS = 8;
  static final int MAX_PATH_LENGTH = 4096;
  /** Never the user's: the namespace supplies these itself. */
  static final Set<String> RESERVED_TOP = Set.of("dev", "proc", "sys");
  private static final List<String> REFUSED_PREFIXES = List.of("-fplugin", "-fpass-plugin", "-B", "-specs", "--specs",
      "-wrapper", "-Xclang", "-Xpreprocessor", "--driver-mode", "-no-integrated-as", "-fno-integrated-as", "-###",
      "-save-temps", "-ccc-", "--config", "-time", "-fdump-", "-fcallgraph-info", "-fstack-usage", "-fprofile-", "-fauto-profile",
      "-fcreate-profile", "-fsanitize-blacklist", "-fsanitize-ignorelist", "-fxray-", "-fmodule", "-fprebuilt-", "-Wl,", "-Xlinker",
      "-Xassembler", "-Wa,");

  private TreeCheck() {}

  /** @return why the task is refused, or null */
  static String problem(TreeTask t) {
    String p = argvProblem(t.argv());
    if (p == null) {
      p = pathProblem("tree_cwd", t.cwd(), 1);
    }
    if (p == null && t.files().isEmpty()) {
      p = "tree_files is empty";
    }
    if (p == null && t.files().size() > MAX_FILES) {
      p = "more than " + MAX_FILES + " tree_files";
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; p == null && i < t.files().size(); i++) {
      TreeTask.File f = t.files().get(i);
      p = pathProblem("tree_files[" + i + "].path", f.path(), 2);
      if (p == null && !BlobStore.isDigest(f.digest())) {
        p = "tree_files[" + i + "].digest must be 64 lowercase hex digits";
      }
      if (p == null && !seen.add(f.path())) {
        p = "tree_files names " + f.path() + " twice";
      }
    }
    for (int i = 0; p == null && i < t.env().size(); i++) {
      String e = t.env().get(i);
      int eq = e.indexOf('=');
      if (eq <= 0 || !TreeTask.ENV_NAMES.contains(e.substring(0, eq)) || !e.substring(eq + 1).matches("[A-Za-z0-9_.@-]{0,64}")) {
        p = "tree_env[" + i + "] must be NAME=value with NAME one of " + TreeTask.ENV_NAMES + " and a plain value";
      }
    }
    if (p == null && (t.outputs().isEmpty() || t.outputs().size() > MAX_OUTPUTS)) {
      p = "tree_outputs must name 1 to " + MAX_OUTPUTS + " files";
    }
    for (int i = 0; p == null && i < t.outputs().size(); i++) {
      String o = t.outputs().get(i);
      p = pathProblem("tree_outputs[" + i + "]", o, 2);
      if (p == null && seen.contains(o)) {
        p = "tree_outputs[" + i + "] is also an input";
      }
    }
    return p;
  }

  static String argvProblem(List<String> argv) {
    if (argv.isEmpty() || argv.size() > TaskCheck.MAX_ARGS) {
      return "tree_argv must have 1 to " + TaskCheck.MAX_ARGS + " arguments";
    }
    boolean compile = false;
    for (String a : argv) {
      if (a.length() > TaskCheck.MAX_ARG_LENGTH) {
        return "argument longer than " + TaskCheck.MAX_ARG_LENGTH;
      }
      if (a.indexOf('\0') >= 0) {
        return "NUL in an argument";
      }
      if (a.startsWith("@")) {
        return "response files are not accepted: " + a;
      }
      if (a.equals("-")) {
        return "standard input is not accepted as an input";
      }
      for (String refused : REFUSED_PREFIXES) {
        if (a.startsWith(refused)) {
          return "option not allowed in a source tree: " + a;
        }
      }
      compile |= a.equals("-c") || a.equals("-S");
    }
    return compile ? null : "neither -c nor -S: only compiles are accepted";
  }

  /** Absolute, normalised (no ".", "..", "//" or trailing "/"), printable, and at least minDepth segments deep. */
  static String pathProblem(String field, String path, int minDepth) {
    if (path.isEmpty() || path.length() > MAX_PATH_LENGTH) {
      return field + " must be 1 to " + MAX_PATH_LENGTH + " characters";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "control character in " + field;
      }
    }
    if (!path.startsWith("/")) {
      return field + " must be absolute";
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (RuntimeException e) {
      return field + " is not a path";
    }
    if (!p.normalize().toString().equals(path) || path.contains("/./") || path.endsWith("/.")) {
      return field + " must be normalised: " + path;
    }
    if (p.getNameCount() < minDepth) {
      return field + " is too close to the root: " + path;
    }
    if (RESERVED_TOP.contains(p.getName(0).toString())) {
      return field + " lies in /" + p.getName(0) + ", which the servant provides itself";
    }
    return null;
  }
}
