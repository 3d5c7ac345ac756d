package dev.vxcc.daemon.servant;

import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.QueueTaskRequest;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every field of a task, checked before anything touches the disk or a process. The token is the
 * endpoint's business; everything else a stranger sends is judged here, so that the compiler's
 * argument vector can only hold option-table arguments and paths the servant chose itself.
 * Messages name the offending field, never a servant path.
 */
public final class TaskCheck {
  static final int MAX_ARGS = 4096;
  static final int MAX_ARG_LENGTH = 4096;
  static final int MAX_TEXT_LENGTH = 4096;

  private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SUFFIX = Pattern.compile("\\.[A-Za-z0-9]{1,8}");
  /** gcc itself refuses anything that is not a non-negative decimal below year 10000. */
  private static final Pattern EPOCH = Pattern.compile("[0-9]{1,12}");
  /** Only a key input: no option writes more than a handful of files. */
  private static final int MAX_SIDE_OUTPUTS = 8;

  private TaskCheck() {}

  /** @return why the task is refused, or empty when every field is acceptable */
  public static Optional<String> problem(QueueTaskRequest req) {
    String p = digestProblem("compiler_digest", req.getCompilerDigest());
    if (p == null) {
      p = digestProblem("task_digest", req.getTaskDigest());
    }
    boolean tree = req.getInputMode() == InputMode.INPUT_MODE_SOURCE_TREE;
    if (p == null && !tree) {
      p = argsProblem(req.getArgsList());
    }
    if (p == null && !tree && (req.getTreeArgvCount() > 0 || !req.getTreeCwd().isEmpty() || req.getTreeFilesCount() > 0
        || req.getTreeOutputsCount() > 0 || req.getTreeEnvCount() > 0)) {
      p = "tree_* fields belong to INPUT_MODE_SOURCE_TREE only";
    }
    if (p == null && !req.getOutputSuffix().isEmpty() && !SUFFIX.matcher(req.getOutputSuffix()).matches()) {
      p = "output_suffix must be '.' and 1 to 8 letters or digits";
    }
    if (p == null) {
      p = textProblem("source_path", req.getSourcePath());
    }
    if (p == null && !req.getSourceDateEpoch().isEmpty() && !EPOCH.matcher(req.getSourceDateEpoch()).matches()) {
      p = "source_date_epoch must be a decimal count of seconds";
    }
    if (p == null) {
      p = rootProblem("key_base_dir", req.getKeyBaseDir());
    }
    if (p == null) {
      p = rootProblem("key_compiler_prefix", req.getKeyCompilerPrefix());
    }
    if (p == null) {
      p = inputProblem(req);
    }
    if (p == null && (req.getSideOutputSuffixesCount() > MAX_SIDE_OUTPUTS
        || !req.getSideOutputSuffixesList().stream().allMatch(s -> SUFFIX.matcher(s).matches()))) {
      p = "side_output_suffixes must be at most " + MAX_SIDE_OUTPUTS + " suffixes like output_suffix";
    }
    return Optional.ofNullable(p);
  }

  private static String inputProblem(QueueTaskRequest req) {
    if (req.getInputMode() == InputMode.INPUT_MODE_STDIN) {
      // Unused in this mode, but a stray value means the sender is not the delegate we know.
      return req.getInputPath().isEmpty() && req.getClientCwd().isEmpty()
          ? null : "input_path and client_cwd belong to INPUT_MODE_FILE_AS_SOURCE only";
    }
    if (req.getInputMode() == InputMode.INPUT_MODE_SOURCE_TREE) {
      if (req.getArgsCount() > 0 || !req.getSourceZstd().isEmpty() || !req.getInputPath().isEmpty() || !req.getClientCwd().isEmpty()) {
        return "args, source_zstd, input_path and client_cwd are unused in INPUT_MODE_SOURCE_TREE";
      }
      return TreeCheck.problem(tree(req));
    }
    if (req.getInputMode() == InputMode.INPUT_MODE_FILE_AS_SOURCE) {
      String bad = SourceInput.pathProblem(req.getInputPath());
      if (bad == null) {
        bad = SourceInput.cwdProblem(req.getClientCwd());
      }
      return bad;
    }
    // A newer delegate asking for something this servant does not know must not get a stdin compile.
    return "unsupported input mode " + req.getInputModeValue();
  }

  static TreeTask tree(QueueTaskRequest req) {
    return new TreeTask(req.getTreeArgvList(), req.getTreeCwd(),
        req.getTreeFilesList().stream().map(f -> new TreeTask.File(f.getPath(), f.getDigest(), f.getExecutable())).toList(),
        req.getTreeOutputsList(), req.getTreeEnvList());
  }

  static String argsProblem(List<String> args) {
    if (args.size() > MAX_ARGS) {
      return "more than " + MAX_ARGS + " arguments";
    }
    for (String a : args) {
      if (a.length() > MAX_ARG_LENGTH) {
        return "argument longer than " + MAX_ARG_LENGTH;
      }
    }
    return ServantArgsPolicy.check(args).orElse(null);
  }

  private static String digestProblem(String field, String value) {
    return HEX_DIGEST.matcher(value).matches() ? null : field + " must be 64 lowercase hex digits";
  }

  private static String textProblem(String field, String value) {
    if (value.length() > MAX_TEXT_LENGTH) {
      return field + " longer than " + MAX_TEXT_LENGTH;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "control character in " + field;
      }
    }
    return null;
  }

  /**
   * Empty or absolute: these only steer the cache key, never the compiler, and TaskKey ignores a
   * root it cannot use (so a delegate with an unusual checkout path still gets remote compiles).
   */
  private static String rootProblem(String field, String value) {
    if (value.isEmpty()) {
      return null;
    }
    String p = textProblem(field, value);
    if (p != null) {
      return p;
    }
    return value.startsWith("/") ? null : field + " must be absolute";
  }
}
