package dev.vxcc.e2e;

import dev.vxcc.testkit.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared bits of the end-to-end tests: where things are, and how a user would invoke them. */
final class E2e {
  private E2e() {}

  static Path dist() {
    return Path.of(System.getProperty("vxcc.dist", "../../target/vxcc")).toAbsolutePath().normalize();
  }

  static Path work(String name) throws IOException, InterruptedException {
    Path w = Path.of(System.getProperty("vxcc.work", "target/e2e")).toAbsolutePath().resolve(name);
    Commands.run(Path.of("/"), Map.of(), 120, List.of("rm", "-rf", w.toString()));
    return Files.createDirectories(w);
  }

  /** A directory with gcc/g++/cc/c++/clang/clang++ pointing at the shim, made by the shim itself. */
  static Path symlinks(Path work) throws Exception {
    Path dir = work.resolve("symlinks");
    Commands.run(work, Map.of(), 30, List.of(dist().resolve("bin/vxcc").toString(), "install-symlinks", dir.toString()))
        .orFail("vxcc install-symlinks");
    return dir;
  }

  /** The environment of a build that uses the shim through PATH, talking to one daemon. */
  static Map<String, String> env(Path symlinks, String daemon) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", symlinks + ":" + System.getenv("PATH"));
    env.put("VXCC_DAEMON", daemon);
    return env;
  }

  /** Relative path → bytes of every object file under a build tree. */
  static Map<String, byte[]> objects(Path buildDir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(buildDir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".o")).toList()) {
        out.put(buildDir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
