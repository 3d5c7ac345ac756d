package dev.vxcc.daemon.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The PATH checks of {@code vxcc doctor}: do the compiler names a build uses resolve to the vxcc
 * shim, and does a ccache, distcc, icecc or sccache (first in PATH, or a CMake launcher) take the
 * compiles before vxcc sees them. Pure apart from the {@link Executables} it is given.
 */
public final class PathSetup {
  /** The names `vxcc install-symlinks` creates (besides vxcc itself). */
  public static final List<String> COMPILER_NAMES = List.of("gcc", "g++", "cc", "c++", "clang", "clang++");
  /** Other compiler wrappers; the shim skips them when it looks for the real compiler. */
  static final List<String> WRAPPERS = List.of("ccache", "distcc", "icecc", "sccache");
  static final List<String> LAUNCHER_VARIABLES = List.of("CMAKE_C_COMPILER_LAUNCHER", "CMAKE_CXX_COMPILER_LAUNCHER");

  /** The file system as far as PATH look-ups go. */
  public interface Executables {
    /** The resolved path of {@code candidate} if it is an executable regular file, else empty. */
    Optional<Path> real(Path candidate);

    /** The real file system; blocking. */
    static Executables onDisk() {
      return candidate -> {
        try {
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return Optional.of(candidate.toRealPath());
          }
        } catch (IOException | SecurityException e) {
          // Not usable by the shell either.
        }
        return Optional.empty();
      };
    }
  }

  enum Kind { VXCC, WRAPPER, COMPILER }

  /** What a name resolves to first in PATH. */
  record Found(String name, Path dir, Path real, Kind kind, String wrapper) {}

  private final ShellView shell;
  private final Executables files;

  public PathSetup(ShellView shell, Executables files) {
    this.shell = shell;
    this.files = files;
  }

  Optional<Found> first(String name) {
    for (String entry : shell.path()) {
      Path dir = shell.dir(entry);
      Optional<Path> real = files.real(dir.resolve(name));
      if (real.isPresent()) {
        Path r = real.get();
        String wrapper = wrapperOf(r);
        Kind kind = isVxcc(r) ? Kind.VXCC : wrapper != null ? Kind.WRAPPER : Kind.COMPILER;
        return Optional.of(new Found(name, dir, r, kind, wrapper));
      }
    }
    return Optional.empty();
  }

  /**
   * The real compiler for a name as the shim finds it: {@code VXCC_REAL_COMPILER_DIR} first, then
   * PATH, skipping vxcc and the other wrappers. The path as found (its name matters to clang).
   */
  public Optional<Path> realCompiler(String name) {
    List<String> dirs = new ArrayList<>();
    if (!shell.env("VXCC_REAL_COMPILER_DIR").isEmpty()) {
      dirs.add(shell.env("VXCC_REAL_COMPILER_DIR"));
    }
    dirs.addAll(shell.path());
    for (String entry : dirs) {
      Path candidate = shell.dir(entry).resolve(name);
      Optional<Path> real = files.real(candidate);
      if (real.isPresent() && !isVxcc(real.get()) && wrapperOf(real.get()) == null) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }

  private boolean isVxcc(Path real) {
    return real.equals(shell.self()) || "vxcc".equals(String.valueOf(real.getFileName()));
  }

  private static String wrapperOf(Path real) {
    String base = String.valueOf(real.getFileName());
    return WRAPPERS.stream().filter(base::equals).findFirst().orElse(null);
  }

  /** The first word of a launcher or prefix setting, without its directory: "vxcc", "ccache", ... */
  static String program(String setting) {
    String first = setting.trim().split("[;\\s]+", 2)[0];
    int slash = first.lastIndexOf('/');
    return slash >= 0 ? first.substring(slash + 1) : first;
  }

  public List<Check> checks() {
    List<Found> found = COMPILER_NAMES.stream().map(this::first).flatMap(Optional::stream).toList();
    List<Check> out = new ArrayList<>();
    out.add(links(found));
    out.addAll(wrappersFirst(found));
    out.addAll(launchers());
    return out;
  }

  private String launcherVxcc() {
    return LAUNCHER_VARIABLES.stream().filter(v -> "vxcc".equals(program(shell.env(v)))).findFirst().orElse(null);
  }

  private Check links(List<Found> found) {
    List<String> via = found.stream().filter(f -> f.kind() == Kind.VXCC).map(Found::name).toList();
    List<Found> direct = found.stream().filter(f -> f.kind() == Kind.COMPILER).toList();
    String dirs = found.stream().filter(f -> f.kind() == Kind.VXCC).map(f -> f.dir().toString()).distinct()
        .collect(Collectors.joining(", "));
    if (direct.isEmpty() && !via.isEmpty()) {
      return Check.ok("path", String.join(", ", via) + " resolve to vxcc (" + dirs + ")");
    }
    if (found.isEmpty()) {
      return Check.warn("path", "none of " + String.join(", ", COMPILER_NAMES) + " is in PATH: install a compiler, then run"
          + " `vxcc install-symlinks ~/.vxcc/bin` and `export PATH=~/.vxcc/bin:$PATH`");
    }
    if (direct.isEmpty()) {
      return Check.ok("path", "the compilers in PATH are reached through a wrapper (see below)");
    }
    String bypass = direct.stream().map(f -> f.name() + " -> " + f.dir().resolve(f.name())).collect(Collectors.joining(", "));
    String launcher = launcherVxcc();
    if (launcher != null) {
      return Check.ok("path", bypass + " (not vxcc), but " + launcher + "=vxcc sends CMake builds' compiles to vxcc");
    }
    String head = via.isEmpty() ? "" : String.join(", ", via) + " resolve to vxcc, but ";
    return Check.warn("path", head + bypass + " bypass vxcc: run `vxcc install-symlinks ~/.vxcc/bin` and"
        + " `export PATH=~/.vxcc/bin:$PATH` (or use vxcc as the compiler launcher, e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc)");
  }

  private List<Check> wrappersFirst(List<Found> found) {
    Map<String, List<Found>> byWrapper = new LinkedHashMap<>();
    found.stream().filter(f -> f.kind() == Kind.WRAPPER).forEach(f -> byWrapper.computeIfAbsent(f.wrapper(), k -> new ArrayList<>()).add(f));
    List<Check> out = new ArrayList<>();
    byWrapper.forEach((wrapper, fs) -> {
      String names = fs.stream().map(Found::name).collect(Collectors.joining(", "));
      String dirs = fs.stream().map(f -> f.dir().toString()).distinct().collect(Collectors.joining(", "));
      String where = wrapper + " comes first in PATH for " + names + " (" + dirs + ")";
      if (wrapper.equals("ccache")) {
        out.add(ccache(where));
      } else {
        out.add(Check.warn("path", where + ": those compiles bypass vxcc: put vxcc's directory (e.g. ~/.vxcc/bin) before "
            + dirs + " in PATH"));
      }
    });
    return out;
  }

  private List<Check> launchers() {
    List<Check> out = new ArrayList<>();
    for (String v : LAUNCHER_VARIABLES) {
      String setting = shell.env(v);
      String program = program(setting);
      if (setting.isBlank() || program.equals("vxcc")) {
        continue;
      }
      String where = v + "=" + setting;
      if (program.equals("ccache")) {
        out.add(ccache(where));
      } else {
        out.add(Check.warn("launcher", where + ": CMake builds' compiles go to " + program + ", not vxcc: set " + v + "=vxcc"));
      }
    }
    return out;
  }

  /** ccache before vxcc is fine, and the recommended pairing, when ccache hands its misses to vxcc. */
  private Check ccache(String where) {
    String name = where.startsWith("CMAKE_") ? "launcher" : "path";
    String prefix = shell.env("CCACHE_PREFIX");
    if (program(prefix).equals("vxcc")) {
      return Check.ok(name, where + ", and CCACHE_PREFIX=" + prefix + " hands its misses to vxcc");
    }
    if (shell.env("CCACHE_DISABLE").matches("1|true|yes")) {
      return Check.ok(name, where + ", but CCACHE_DISABLE is set: ccache runs the next compiler in PATH");
    }
    String now = prefix.isBlank() ? "CCACHE_PREFIX is not set" : "CCACHE_PREFIX=" + prefix + " sends them to " + program(prefix);
    return Check.warn(name, where + ": ccache's misses do not reach vxcc (" + now + "): export CCACHE_PREFIX=vxcc"
        + " (ccache caches locally, vxcc distributes its misses)");
  }
}
