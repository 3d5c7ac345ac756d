package dev.vxcc.daemon.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The PATH lines of {@code vxcc doctor}, exactly as a user reads them, on a made-up file system. */
class PathSetupTest {
  private static final Path SELF = Path.of("/opt/vxcc/bin/vxcc");
  private static final String LINKS = "/home/u/.vxcc/bin";
  private final Map<Path, Path> files = new HashMap<>();

  PathSetupTest() {
    for (String n : List.of("gcc", "g++", "cc", "c++")) {
      files.put(Path.of("/usr/bin", n), Path.of("/usr/bin", n));
    }
  }

  private void links() {
    PathSetup.COMPILER_NAMES.forEach(n -> files.put(Path.of(LINKS, n), SELF));
  }

  private void masquerade(String wrapper, String... names) {
    for (String n : names) {
      files.put(Path.of("/usr/lib", wrapper, n), Path.of("/usr/bin", wrapper));
    }
  }

  private PathSetup setup(String path, Map<String, String> env) {
    return new PathSetup(new ShellView(SELF, ShellView.splitPath(path), env, Path.of("/src")),
        p -> Optional.ofNullable(files.get(p)));
  }

  private List<String> lines(String path, Map<String, String> env) {
    return setup(path, env).checks().stream().map(Check::line).toList();
  }

  @Test
  void linksFirstInPath() {
    links();
    assertEquals(List.of("OK   path: gcc, g++, cc, c++, clang, clang++ resolve to vxcc (/home/u/.vxcc/bin)"),
        lines(LINKS + ":/usr/bin", Map.of()));
  }

  @Test
  void noLinks() {
    assertEquals(List.of("WARN path: gcc -> /usr/bin/gcc, g++ -> /usr/bin/g++, cc -> /usr/bin/cc, c++ -> /usr/bin/c++ bypass vxcc:"
        + " run `vxcc install-symlinks ~/.vxcc/bin` and `export PATH=~/.vxcc/bin:$PATH` (or use vxcc as the compiler launcher,"
        + " e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc)"), lines("/usr/bin", Map.of()));
  }

  @Test
  void linksAfterTheRealCompilers() {
    links();
    assertEquals(List.of("WARN path: clang, clang++ resolve to vxcc, but gcc -> /usr/bin/gcc, g++ -> /usr/bin/g++, cc -> /usr/bin/cc,"
        + " c++ -> /usr/bin/c++ bypass vxcc: run `vxcc install-symlinks ~/.vxcc/bin` and `export PATH=~/.vxcc/bin:$PATH`"
        + " (or use vxcc as the compiler launcher, e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc)"),
        lines("/usr/bin:" + LINKS, Map.of()));
  }

  @Test
  void noLinksButVxccAsTheLauncher() {
    assertEquals("OK   path: gcc -> /usr/bin/gcc, g++ -> /usr/bin/g++, cc -> /usr/bin/cc, c++ -> /usr/bin/c++ (not vxcc),"
        + " but CMAKE_CXX_COMPILER_LAUNCHER=vxcc sends CMake builds' compiles to vxcc",
        lines("/usr/bin", Map.of("CMAKE_CXX_COMPILER_LAUNCHER", "vxcc")).get(0));
  }

  @Test
  void ccacheFirstInPathWithoutPrefix() {
    links();
    masquerade("ccache", "gcc", "g++", "cc", "c++");
    assertEquals(List.of("OK   path: clang, clang++ resolve to vxcc (/home/u/.vxcc/bin)",
        "WARN path: ccache comes first in PATH for gcc, g++, cc, c++ (/usr/lib/ccache): ccache's misses do not reach vxcc"
            + " (CCACHE_PREFIX is not set): export CCACHE_PREFIX=vxcc (ccache caches locally, vxcc distributes its misses)"),
        lines("/usr/lib/ccache:" + LINKS + ":/usr/bin", Map.of()));
  }

  @Test
  void ccacheFirstInPathWithVxccAsItsPrefix() {
    links();
    masquerade("ccache", "gcc", "g++", "cc", "c++");
    assertEquals("OK   path: ccache comes first in PATH for gcc, g++, cc, c++ (/usr/lib/ccache), and CCACHE_PREFIX=vxcc hands"
        + " its misses to vxcc", lines("/usr/lib/ccache:" + LINKS + ":/usr/bin", Map.of("CCACHE_PREFIX", "vxcc")).get(1));
  }

  @Test
  void ccacheWithDistccAsItsPrefix() {
    masquerade("ccache", "gcc");
    assertEquals("WARN path: ccache comes first in PATH for gcc (/usr/lib/ccache): ccache's misses do not reach vxcc"
        + " (CCACHE_PREFIX=distcc sends them to distcc): export CCACHE_PREFIX=vxcc (ccache caches locally, vxcc distributes its misses)",
        lines("/usr/lib/ccache:/usr/bin", Map.of("CCACHE_PREFIX", "distcc")).get(1));
  }

  @Test
  void distccFirstInPath() {
    links();
    masquerade("distcc", "gcc", "g++");
    assertEquals("WARN path: distcc comes first in PATH for gcc, g++ (/usr/lib/distcc): those compiles bypass vxcc: put vxcc's"
        + " directory (e.g. ~/.vxcc/bin) before /usr/lib/distcc in PATH",
        lines("/usr/lib/distcc:" + LINKS + ":/usr/bin", Map.of()).get(1));
  }

  @Test
  void ccacheAsTheCmakeLauncher() {
    links();
    assertEquals(List.of("OK   path: gcc, g++, cc, c++, clang, clang++ resolve to vxcc (/home/u/.vxcc/bin)",
        "WARN launcher: CMAKE_CXX_COMPILER_LAUNCHER=ccache: ccache's misses do not reach vxcc (CCACHE_PREFIX is not set):"
            + " export CCACHE_PREFIX=vxcc (ccache caches locally, vxcc distributes its misses)"),
        lines(LINKS + ":/usr/bin", Map.of("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")));
    assertEquals("OK   launcher: CMAKE_CXX_COMPILER_LAUNCHER=/usr/bin/ccache, and CCACHE_PREFIX=/opt/vxcc/bin/vxcc hands its"
        + " misses to vxcc",
        lines(LINKS + ":/usr/bin", Map.of("CMAKE_CXX_COMPILER_LAUNCHER", "/usr/bin/ccache", "CCACHE_PREFIX", "/opt/vxcc/bin/vxcc")).get(1));
  }

  @Test
  void sccacheAsTheCmakeLauncher() {
    links();
    assertEquals("WARN launcher: CMAKE_C_COMPILER_LAUNCHER=sccache: CMake builds' compiles go to sccache, not vxcc:"
        + " set CMAKE_C_COMPILER_LAUNCHER=vxcc", lines(LINKS + ":/usr/bin", Map.of("CMAKE_C_COMPILER_LAUNCHER", "sccache")).get(1));
  }

  @Test
  void nothingInPath() {
    assertEquals(List.of("WARN path: none of gcc, g++, cc, c++, clang, clang++ is in PATH: install a compiler, then run"
        + " `vxcc install-symlinks ~/.vxcc/bin` and `export PATH=~/.vxcc/bin:$PATH`"), lines("/nowhere", Map.of()));
  }

  @Test
  void theRealCompilerIsFoundAsTheShimFindsIt() {
    links();
    masquerade("ccache", "gcc");
    files.put(Path.of("/opt/gcc-13/bin/gcc"), Path.of("/opt/gcc-13/bin/gcc"));
    PathSetup s = setup("/usr/lib/ccache:" + LINKS + ":/usr/bin", Map.of());
    assertEquals(Optional.of(Path.of("/usr/bin/gcc")), s.realCompiler("gcc"));
    assertEquals(Optional.empty(), s.realCompiler("clang"));
    PathSetup pinned = setup(LINKS + ":/usr/bin", Map.of("VXCC_REAL_COMPILER_DIR", "/opt/gcc-13/bin"));
    assertEquals(Optional.of(Path.of("/opt/gcc-13/bin/gcc")), pinned.realCompiler("gcc"));
  }
}
