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

  /**
   * A command looked up in the child's PATH, as a shell would. ProcessBuilder searches the
   * parent's PATH instead, which would run the real compiler with our symlinks first in PATH.
   */
  static List<String> onPath(String... cmd) {
    List<String> out = new java.util.ArrayList<>();
    out.add("/usr/bin/env");
    out.addAll(List.of(cmd));
    return out;
  }

  static io.vertx.core.json.JsonObject stats(String daemon) throws Exception {
    String out = Commands.run(Path.of("/"), Map.of("VXCC_DAEMON", daemon), 30,
        List.of(dist().resolve("bin/vxcc").toString(), "--stats", "--json")).orFail("vxcc --stats --json").stdout();
    return new io.vertx.core.json.JsonObject(out);
  }

  /**
   * Waits until the daemon's view of the cluster (refreshed once a second) has a servant with the
   * compiler; before that it rightly compiles locally. There is no event across processes to
   * await, so this polls, with a bound.
   */
  static void awaitCompilerInCluster(String daemon, Path compiler) throws Exception {
    // Servants advertise compilers by identity (binary, compiler proper, configuration), not by file digest.
    String digest = new dev.vxcc.daemon.identity.CompilerIdentity(new dev.vxcc.common.util.FileDigestCache()).identity(compiler);
    awaitServant(daemon, s -> s.getJsonArray("compilerDigests").contains(digest), "a servant with " + compiler);
  }

  static void awaitServantAt(String daemon, String location) throws Exception {
    awaitServant(daemon, s -> location.equals(s.getString("location")), "the servant at " + location);
  }

  /** Until the servant at {@code location} is in the daemon's view and not suspect (silent or unreachable). */
  static void awaitServantTrustedAt(String daemon, String location) throws Exception {
    awaitServant(daemon, s -> location.equals(s.getString("location")) && !s.getBoolean("suspect", false),
        "the servant at " + location + ", trusted");
  }

  private static void awaitServant(String daemon, java.util.function.Predicate<io.vertx.core.json.JsonObject> match, String what)
      throws Exception {
    boolean joined = pollUntil(60_000, () -> stats(daemon).getJsonArray("cluster", new io.vertx.core.json.JsonArray()).stream()
        .map(o -> (io.vertx.core.json.JsonObject) o)
        .anyMatch(s -> s.getInteger("maxTasks", 0) > 0 && match.test(s)));
    if (!joined) {
      throw new AssertionError(what + " did not join the cluster within 60 s");
    }
  }

  /** A condition on other processes' state, read again on each poll. */
  interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Whether the condition came to hold within the bound. Another process's state has no event to
   * await, so this polls it every 200 ms; callers assert on the outcome, never on the time taken.
   */
  static boolean pollUntil(long boundMs, Condition c) throws Exception {
    long deadline = System.currentTimeMillis() + boundMs;
    while (!c.holds()) {
      if (System.currentTimeMillis() >= deadline) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  /**
   * Fails, naming the node and showing its log, when a node of the shared cluster has died: a test
   * after the one that killed it would otherwise fail with a message about something else.
   */
  static void assertEveryNodeRuns(dev.vxcc.testkit.LoopbackCluster cluster) {
    for (dev.vxcc.testkit.NodeProcess n : cluster.nodes()) {
      org.junit.jupiter.api.Assertions.assertTrue(n.alive(), n.log().getFileName()
          + " died during an earlier test; its log ends:\n" + dev.vxcc.testkit.NodeProcess.tail(n.log()));
    }
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

  /**
   * Asserts two builds' objects are byte-identical, leaving out CMake's configure-time probe of
   * -flto support: LTO objects are never reproducible, not even between two local compiles.
   */
  static void assertIdentical(Map<String, byte[]> expected, Map<String, byte[]> actual, String what) {
    Map<String, byte[]> e = new TreeMap<>(expected);
    Map<String, byte[]> a = new TreeMap<>(actual);
    e.keySet().removeIf(k -> k.contains("_CMakeLTOTest"));
    a.keySet().removeIf(k -> k.contains("_CMakeLTOTest"));
    org.junit.jupiter.api.Assertions.assertEquals(e.keySet(), a.keySet(), what + ": the same objects");
    List<String> different = new java.util.ArrayList<>();
    e.forEach((name, bytes) -> {
      if (!java.util.Arrays.equals(bytes, a.get(name))) {
        different.add(name);
      }
    });
    org.junit.jupiter.api.Assertions.assertEquals(List.of(), different, what + ": objects that differ");
  }
}
