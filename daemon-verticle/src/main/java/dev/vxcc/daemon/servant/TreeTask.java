package dev.vxcc.daemon.servant;

import java.util.List;

/**
 * A source-tree task as the servant received it: the user's argument vector after the compiler,
 * the working directory, every file the user's compile read, and the outputs to bring back.
 * Checked by {@link TreeCheck} before anything touches the disk.
 */
public record TreeTask(List<String> argv, String cwd, List<File> files, List<String> outputs, List<String> env) {
  /** The variables a task may set, all of them locale: the compiler's messages depend on them. */
  public static final List<String> ENV_NAMES = List.of("LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES");

  public TreeTask(List<String> argv, String cwd, List<File> files, List<String> outputs) {
    this(argv, cwd, files, outputs, List.of());
  }

  public TreeTask {
    env = List.copyOf(env);
    argv = List.copyOf(argv);
    files = List.copyOf(files);
    outputs = List.copyOf(outputs);
  }

  /** One input at its absolute path, by content. */
  public record File(String path, String digest, boolean executable) {}
}
