package dev.vxcc.daemon.servant;

import java.util.List;

/**
 * A source-tree task as the servant received it: the user's argument vector after the compiler,
 * the working directory, every file the user's compile read, and the outputs to bring back.
 * Checked by {@link TreeCheck} before anything touches the disk.
 */
public record TreeTask(List<String> argv, String cwd, List<File> files, List<String> outputs) {
  public TreeTask {
    argv = List.copyOf(argv);
    files = List.copyOf(files);
    outputs = List.copyOf(outputs);
  }

  /** One input at its absolute path, by content. */
  public record File(String path, String digest, boolean executable) {}
}
