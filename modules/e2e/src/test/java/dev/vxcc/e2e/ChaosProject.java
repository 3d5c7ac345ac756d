package dev.vxcc.e2e;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.Sources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real project every chaos case builds (Debian's ninja-build, without optimisation so that a
 * case stays short), and the objects a local build of it gives, which every case must reproduce.
 */
final class ChaosProject {
  private final Path src;
  private final String flags;
  private final int jobs;
  private final Map<String, byte[]> expected;
  private final long localMillis;

  private ChaosProject(Path src, String flags, int jobs, Map<String, byte[]> expected, long localMillis) {
    this.src = src;
    this.flags = flags;
    this.jobs = jobs;
    this.expected = expected;
    this.localMillis = localMillis;
  }

  static ChaosProject ninja(Path work, String flags, int jobs) throws Exception {
    Path src = Sources.debian("ninja-build");
    ChaosProject p = new ChaosProject(src, flags, jobs, Map.of(), 0);
    Path local = work.resolve("build-local");
    p.configure(local, "/usr/bin/g++", Map.of());
    Commands.Result r = Commands.run(local, Map.of(), 1800, List.of("make", "-j2")).orFail("local build");
    return new ChaosProject(src, flags, jobs, E2e.objects(local), r.millis());
  }

  void configure(Path build, String compiler, Map<String, String> env) throws Exception {
    // Not Release: LTO objects differ even between two local compiles. No -g: objects then do not
    // name the build directory, so every case may build in its own.
    List<String> cmake = new ArrayList<>(List.of("cmake", "-S", src.toString(), "-B", build.toString(), "-DCMAKE_BUILD_TYPE=None",
        "-DCMAKE_CXX_FLAGS=" + flags, "-DCMAKE_CXX_COMPILER=" + compiler));
    Commands.run(build.getParent(), env, 300, cmake).orFail("cmake " + build);
  }

  List<String> make() {
    return List.of("make", "-j" + jobs);
  }

  Map<String, byte[]> expected() {
    return expected;
  }

  long localMillis() {
    return localMillis;
  }
}
