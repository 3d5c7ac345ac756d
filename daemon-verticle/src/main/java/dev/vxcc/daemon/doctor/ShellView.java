package dev.vxcc.daemon.doctor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What only the user's shell can tell, as {@code vxcc doctor} sent it: where the shim itself
 * lives, the PATH, and the variables that decide whether compiles reach it.
 *
 * @param self the shim's own resolved path
 * @param path PATH entries in order (empty entries mean the current directory, as for a shell)
 * @param env the relevant variables ({@code CCACHE_*}, {@code CMAKE_*_COMPILER_LAUNCHER}, {@code VXCC_*})
 * @param cwd the directory the user ran it in, for relative PATH entries
 */
public record ShellView(Path self, List<String> path, Map<String, String> env, Path cwd) {
  public ShellView {
    path = List.copyOf(path);
    env = Map.copyOf(env);
  }

  public static List<String> splitPath(String path) {
    return path == null ? List.of() : Arrays.asList(path.split(":", -1));
  }

  public String env(String name) {
    return env.getOrDefault(name, "");
  }

  /** A PATH entry as a directory; empty means the current directory. */
  public Path dir(String entry) {
    return entry.isEmpty() ? cwd : cwd.resolve(entry);
  }
}
