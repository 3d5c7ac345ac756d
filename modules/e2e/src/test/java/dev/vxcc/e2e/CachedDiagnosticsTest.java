package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compiles that print, on a loopback cluster of separate JVMs: a compile with a warning goes as a
 * source tree (daemon.sourceTreeFirst, the default) and runs once, on the servant, its stderr the
 * local compile's byte for byte; it is stored with that stderr, so the next compile is a hit, with
 * or without direct mode, that prints the same warnings. A source-tree compile (gcc -g with a
 * prefix map) is a direct hit next time too. (With sourceTreeFirst off, a printing compile on the
 * preprocessed-text path is redone as a tree: DelegateFlowVerticleTest.)
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CachedDiagnosticsTest {
  static LoopbackCluster cluster;
  static NodeProcess submitter;
  static NodeProcess servant;
  static Path work;
  static Path links;

  @BeforeAll
  static void start() throws Exception {
    work = E2e.work("diagnostics");
    links = E2e.symlinks(work);
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    cluster.start("cache", LoopbackCluster.cacheConfig(work.resolve("cache-store"), 64L << 20));
    submitter = cluster.start("daemon", LoopbackCluster.config("node-a", 0));
    servant = cluster.start("daemon", LoopbackCluster.config("node-b", 2));
    E2e.awaitServantAt(submitter.localApi(), servant.info("serving"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static long counter(String name) throws Exception {
    return E2e.stats(submitter.localApi()).getLong(name, 0L);
  }

  record Outcome(String stderr, Map<String, byte[]> files) {}

  /** Runs the command in dir (locally with VXCC_DISABLE=1), returning its stderr and its -o / -MF outputs, which it then deletes. */
  static Outcome run(Path dir, boolean local, Map<String, String> extraEnv, List<String> argv) throws Exception {
    Map<String, String> env = new HashMap<>(E2e.env(links, submitter.localApi()));
    env.putAll(extraEnv);
    if (local) {
      env.put("VXCC_DISABLE", "1");
    }
    List<String> cmd = new ArrayList<>(List.of(links.resolve("gcc").toString()));
    cmd.addAll(argv);
    Commands.Result r = Commands.run(dir, env, 120, cmd);
    assertEquals(0, r.exit(), "gcc " + argv + ": " + r.stderr());
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i + 1 < argv.size(); i++) {
      if (argv.get(i).equals("-o") || argv.get(i).equals("-MF")) {
        Path f = dir.resolve(argv.get(i + 1));
        files.put(f.toString(), Files.readAllBytes(f));
        Files.delete(f);
      }
    }
    return new Outcome(r.stderr(), files);
  }

  static void assertSame(Outcome expected, Outcome actual, String what) {
    assertEquals(expected.stderr(), actual.stderr(), what + ": stderr");
    E2e.assertIdentical(expected.files(), actual.files(), what);
  }

  /** Puts so far: the servant's results and the delegate's manifests. */
  static long[] puts() throws Exception {
    return new long[] {E2e.stats(servant.localApi()).getJsonObject("servant").getJsonObject("cache").getLong("puts", 0L),
        E2e.stats(submitter.localApi()).getJsonObject("cache").getLong("puts", 0L)};
  }

  /**
   * The servant stores its result and the delegate its manifest after the wrapper has its answer:
   * wait for both puts, then for a Bloom filter fetch of the delegate's that started after them.
   */
  static void stored(long[] before) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    for (long[] now = puts(); now[0] <= before[0] || now[1] <= before[1]; now = puts()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("result or manifest never stored: " + E2e.stats(servant.localApi()).encodePrettily());
      }
      Thread.sleep(100);
    }
    long now = System.currentTimeMillis();
    while (E2e.stats(submitter.localApi()).getJsonObject("cache").getLong("bloomFetchedAt", 0L) <= now + 100) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no Bloom filter refresh: " + E2e.stats(submitter.localApi()).encodePrettily());
      }
      Thread.sleep(200);
    }
  }

  /** The daemon learns a compiler's identity on first use: warm it so that the compiles below are distributed. */
  static void warm(Path dir) throws Exception {
    Files.writeString(dir.resolve("w.c"), "int w;\n");
    for (int i = 0; i < 60; i++) {
      long before = counter("preprocessorRuns");
      run(dir, false, Map.of(), List.of("-O2", "-c", "w.c", "-o", "w.o"));
      if (counter("preprocessorRuns") > before) {
        return;
      }
    }
    throw new AssertionError("gcc was never distributed: " + E2e.stats(submitter.localApi()).encodePrettily());
  }

  @Test
  void aWarningIsCompiledRemotelyAndReplayedFromTheCache() throws Exception {
    Path d = Files.createDirectories(work.resolve("warn"));
    warm(d);
    Files.writeString(d.resolve("h.h"), "static inline int twice(int x) { return 2 * x; }\n");
    Files.writeString(d.resolve("a.c"), "#include \"h.h\"\nint f(int x) {\n  int unused;\n  if (x > 2) return twice(x);\n}\n");
    List<String> argv = List.of("-O2", "-Wall", "-MD", "-MF", "a.d", "-c", "a.c", "-o", "a.o");
    Outcome local = run(d, true, Map.of(), argv);
    assertFalse(local.stderr().isEmpty(), "the test needs a warning");

    long localRuns = counter("local");
    long trees = counter("sourceTree");
    long twice = counter("repeated");
    long[] puts = puts();
    assertSame(local, run(d, false, Map.of(), argv), "first compile through vxcc");
    assertEquals(localRuns, counter("local"), "nothing ran on this machine: " + E2e.stats(submitter.localApi()).encodePrettily());
    assertEquals(trees + 1, counter("sourceTree"), "a source tree from the start");
    assertEquals(twice, counter("repeated"), "compiled once, the first time too");

    stored(puts);
    long direct = counter("directHits");
    long cpp = counter("preprocessorRuns");
    assertSame(local, run(d, false, Map.of(), argv), "a direct hit");
    assertEquals(direct + 1, counter("directHits"), E2e.stats(submitter.localApi()).encodePrettily());
    assertEquals(cpp, counter("preprocessorRuns"), "no preprocessor on a direct hit");

    // Without direct mode it goes as a tree again: a hit on the tree's key.
    long hits = counter("cacheHits");
    long repeated = counter("repeated");
    assertSame(local, run(d, false, Map.of("VXCC_DIRECT", "0"), argv), "a hit without direct mode");
    assertEquals(hits + 1, counter("cacheHits"), E2e.stats(submitter.localApi()).encodePrettily());
    assertEquals(repeated, counter("repeated"), "compiled once");
    assertEquals(localRuns, counter("local"), "nothing ran on this machine");
  }

  @Test
  void aSourceTreeCompileIsADirectHitNextTime() throws Exception {
    Path d = Files.createDirectories(work.resolve("tree"));
    warm(d);
    Files.writeString(d.resolve("h.h"), "#define SCALE 3\n");
    Files.writeString(d.resolve("b.c"), "#include \"h.h\"\nint scale(int x) { return x * SCALE; }\n");
    List<String> argv = List.of("-g", "-O2", "-ffile-prefix-map=" + d + "=.", "-MD", "-MF", "b.d", "-c", "b.c", "-o", "b.o");
    Outcome local = run(d, true, Map.of(), argv);
    long trees = counter("sourceTree");
    long[] puts = puts();
    assertSame(local, run(d, false, Map.of(), argv), "first compile through vxcc");
    assertEquals(trees + 1, counter("sourceTree"), E2e.stats(submitter.localApi()).encodePrettily());
    stored(puts);
    long direct = counter("directHits");
    assertSame(local, run(d, false, Map.of(), argv), "a direct hit");
    assertEquals(direct + 1, counter("directHits"), E2e.stats(submitter.localApi()).encodePrettily());
  }
}
