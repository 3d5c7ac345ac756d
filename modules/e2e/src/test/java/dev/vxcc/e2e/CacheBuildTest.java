package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import dev.vxcc.testkit.Sources;
import dev.vxcc.testkit.StepChain;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared cache on a loopback cluster of separate JVMs (scheduler, cache, two daemons): a
 * clean rebuild is all hits with identical objects; a corrupted entry on disk is a miss, not a
 * wrong object; with the cache node down builds still work, and hits come back with it.
 *
 * <p>A chain on purpose: every later step reuses the first step's reference build and the entries
 * it stored (a libninja build costs minutes on two cores), and says so when that step failed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(StepChain.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CacheBuildTest {
  static LoopbackCluster cluster;
  static NodeProcess cacheNode;
  static NodeProcess submitter;
  static NodeProcess servantNode;
  static Path work;
  static Path cacheDir;
  static Path src;
  static Path links;
  static Map<String, byte[]> reference;

  @BeforeAll
  static void start() throws Exception {
    work = E2e.work("cache");
    links = E2e.symlinks(work);
    cacheDir = work.resolve("cache-store");
    src = Sources.debian("ninja-build");
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 6);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    // No memory tier: every hit is read back from disk, so corruption on disk is what we test.
    cacheNode = cluster.start("cache", LoopbackCluster.cacheConfig(cacheDir, 1));
    submitter = cluster.start("daemon", LoopbackCluster.config("node-a", 0));
    NodeProcess servant = cluster.start("daemon", LoopbackCluster.config("node-b", 4));
    servantNode = servant;
    E2e.awaitServantAt(submitter.localApi(), servant.info("serving"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static JsonObject stats() throws Exception {
    return E2e.stats(submitter.localApi());
  }

  /** What one build's make step did; CMake's configure-time probes are left out. */
  record Build(Map<String, byte[]> objects, long remote, long hits, long preprocessed, long direct) {}

  /** A clean build of ninja's library in one fixed directory (its path is part of nothing we compare). */
  static Build cleanBuild() throws Exception {
    return cleanBuild(src, work.resolve("build"), Map.of());
  }

  static Build cleanBuild(Path src, Path build, Map<String, String> extraEnv) throws Exception {
    return cleanBuild(src, build, extraEnv, List.of(), "libninja", 8);
  }

  /** A clean build of one CMake target with make -jJOBS; its objects are those under CMakeFiles/TARGET.dir. */
  static Build cleanBuild(Path src, Path build, Map<String, String> extraEnv, List<String> cmakeArgs, String target, int jobs)
      throws Exception {
    Commands.run(work, Map.of(), 60, List.of("rm", "-rf", build.toString())).orFail("rm");
    Map<String, String> env = E2e.env(links, submitter.localApi());
    env.putAll(extraEnv);
    List<String> cmake = new java.util.ArrayList<>(List.of("cmake", "-S", src.toString(), "-B", build.toString(), "-DCMAKE_BUILD_TYPE=None",
        "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG", "-DCMAKE_CXX_COMPILER=" + links.resolve("g++")));
    cmake.addAll(cmakeArgs);
    Commands.run(work, env, 300, cmake).orFail("cmake");
    long remote = counter("remote");
    long hits = counter("cacheHits");
    long preprocessed = counter("preprocessorRuns");
    long direct = counter("directHits");
    Commands.run(build, env, 900, List.of("make", "-j" + jobs, target)).orFail("make " + target + " through vxcc");
    Map<String, byte[]> objects = E2e.objects(build.resolve("CMakeFiles/" + target + ".dir"));
    assertTrue(objects.size() >= 20, target + " has dozens of objects: " + objects.keySet());
    return new Build(objects, counter("remote") - remote, counter("cacheHits") - hits,
        counter("preprocessorRuns") - preprocessed, counter("directHits") - direct);
  }

  /** Puts become visible to the delegate through its Bloom filter on its next fetch (every 2 s). */
  static void awaitBloomRefreshAfter(long millis) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (stats().getJsonObject("cache").getLong("bloomFetchedAt", 0L) <= millis + 100) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the daemon never refreshed its Bloom filter: " + stats().encodePrettily());
      }
      Thread.sleep(200);
    }
  }

  static long counter(String name) throws Exception {
    return stats().getLong(name, 0L);
  }

  static void assertSameObjects(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    E2e.assertIdentical(expected, actual, "rebuild vs the first build");
  }

  @Test
  @Order(1)
  void aCleanRebuildIsAllCacheHitsWithIdenticalObjects() throws Exception {
    Build first = cleanBuild();
    reference = first.objects();
    assertEquals(reference.size(), first.remote(), "every object compiled remotely the first time: " + stats().encodePrettily());
    stored();

    Build second = cleanBuild();
    assertEquals(reference.size(), second.hits(), "all hits: " + stats().encodePrettily());
    assertEquals(0, second.remote(), "nothing compiled again");
    // Direct mode: the first build recorded what each file read, so nothing is preprocessed again.
    assertEquals(reference.size(), second.direct(), "all direct hits: " + stats().encodePrettily());
    assertEquals(0, second.preprocessed(), "no preprocessor ran: " + stats().encodePrettily());
    assertSameObjects(reference, second.objects());
  }

  @Test
  @Order(2)
  @StepChain.Needs("aCleanRebuildIsAllCacheHitsWithIdenticalObjects")
  void aCorruptedEntryOnDiskIsAMissAndTheObjectIsStillRight() throws Exception {
    // Hits touch their entries, so the newest file is one the last make step read (CMake's
    // configure probes, compiled earlier under random names, are older).
    Path victim;
    try (Stream<Path> s = Files.walk(cacheDir)) {
      // A compile result (preprocessed text or source tree), not a direct-mode manifest (a bad manifest
      // only costs a preprocessor run).
      victim = s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().startsWith("cxx1-") || p.getFileName().toString().startsWith("tree1-"))
          .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified())).orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(victim, bytes);

    Build again = cleanBuild();
    assertEquals(reference.size() - 1, again.hits(), stats().encodePrettily());
    assertEquals(1, again.remote(), "the corrupted entry was compiled again");
    assertSameObjects(reference, again.objects());
  }

  /**
   * The same tree checked out in two directories: with VXCC_BASE_DIR naming each checkout's root,
   * the second checkout's build is all hits (the objects cannot contain those paths at -O2).
   */
  @Test
  @Order(3)
  @StepChain.Needs("aCleanRebuildIsAllCacheHitsWithIdenticalObjects")
  void aSecondCheckoutInAnotherDirectoryHitsTheFirstOnesEntries() throws Exception {
    Path first = work.resolve("checkout-one/ninja");
    Path second = work.resolve("elsewhere/checkout-two/ninja");
    for (Path co : List.of(first, second)) {
      Files.createDirectories(co.getParent());
      Commands.run(work, Map.of(), 120, List.of("cp", "-a", src.toString(), co.toString())).orFail("copy the checkout");
    }
    Build one = cleanBuild(first, first.resolve("build"), Map.of("VXCC_BASE_DIR", first.toString()));
    assertEquals(reference.size(), one.remote(), "new keys: everything compiled once: " + stats().encodePrettily());
    assertSameObjects(reference, one.objects());
    stored();

    Build two = cleanBuild(second, second.resolve("build"), Map.of("VXCC_BASE_DIR", second.toString()));
    assertEquals(reference.size(), two.hits(), "the other checkout's entries were reused: " + stats().encodePrettily());
    assertEquals(0, two.remote());
    assertSameObjects(reference, two.objects());
  }

  @Test
  @Order(4)
  // The store must hold every entry again: step 2 re-stores the one it corrupted.
  @StepChain.Needs({"aCleanRebuildIsAllCacheHitsWithIdenticalObjects", "aCorruptedEntryOnDiskIsAMissAndTheObjectIsStillRight"})
  void buildsSucceedWithTheCacheDownAndHitAgainWhenItIsBack() throws Exception {
    cacheNode.close();
    Build down = cleanBuild();
    assertSameObjects(reference, down.objects());
    assertEquals(reference.size(), down.remote(), "all compiled remotely while the cache was down");

    cacheNode = cluster.start("cache", LoopbackCluster.cacheConfig(cacheDir, 1));
    long deadline = System.currentTimeMillis() + 60_000;
    while (stats().getJsonObject("cache").getValue("location") == null || !stats().getJsonObject("cache").getBoolean("bloomFresh")) {
      assertTrue(System.currentTimeMillis() < deadline, "the daemon did not find the cache again: " + stats().encodePrettily());
      Thread.sleep(200);
    }
    Build back = cleanBuild();
    assertSameObjects(reference, back.objects());
    assertEquals(reference.size(), back.hits(), "hits again from the store that survived the restart");
  }

  // Direct mode, case by case: each compile through the shim is checked against the real
  // compiler run with the same arguments just before (object and dependency file byte for byte),
  // and whether it was answered without preprocessing is read from the daemon's counters.

  /** One small project in a directory of its own. */
  static Path project(String name, Map<String, String> files) throws Exception {
    Path dir = work.resolve("direct").resolve(name);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    return dir;
  }

  /**
   * The local compile's outputs, then the same command through the shim: identical outputs, and
   * a direct hit exactly when expected. Outputs are named by the arguments after -o and -MF.
   */
  static void compile(Path dir, Map<String, String> env, String compiler, boolean expectDirect, String... args) throws Exception {
    List<String> argv = List.of(args);
    List<Path> outputs = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < argv.size(); i++) {
      if (argv.get(i).equals("-o") || argv.get(i).equals("-MF")) {
        outputs.add(dir.resolve(argv.get(i + 1)));
      }
    }
    Map<String, String> localEnv = new java.util.HashMap<>(env);
    localEnv.put("VXCC_DISABLE", "1");
    Map<String, byte[]> expected = new java.util.TreeMap<>();
    Commands.run(dir, localEnv, 120, cmd(compiler, argv)).orFail("local " + compiler);
    for (Path o : outputs) {
      expected.put(o.toString(), Files.readAllBytes(o));
      Files.delete(o);
    }
    long direct = counter("directHits");
    long preprocessed = counter("preprocessorRuns");
    Map<String, String> shimEnv = E2e.env(links, submitter.localApi());
    shimEnv.putAll(env);
    Commands.run(dir, shimEnv, 120, cmd(compiler, argv)).orFail("vxcc " + compiler);
    Map<String, byte[]> actual = new java.util.TreeMap<>();
    for (Path o : outputs) {
      actual.put(o.toString(), Files.readAllBytes(o));
    }
    E2e.assertIdentical(expected, actual, "through vxcc vs the local compile");
    assertEquals(expectDirect ? 1 : 0, counter("directHits") - direct, "direct hit expected: " + expectDirect + " " + argv + " "
        + stats().encodePrettily());
    assertEquals(expectDirect ? 0 : 1, counter("preprocessorRuns") - preprocessed, "preprocessor runs " + argv + " " + stats().encodePrettily());
  }

  private static List<String> cmd(String compiler, List<String> args) {
    List<String> c = new java.util.ArrayList<>();
    c.add(links.resolve(compiler).toString());
    c.addAll(args);
    return c;
  }

  /** Whatever the last compiles stored (result and manifest) is visible to the next lookup. */
  /** What the last compiles stored (results and the manifests recorded after them) is visible to lookups. */
  static void stored() throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    // A manifest is recorded after the compile has answered: await it before the Bloom filter.
    while (counter("manifestsInFlight") > 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("a manifest recording never ended: " + stats().encodePrettily());
      }
      Thread.sleep(50);
    }
    awaitBloomRefreshAfter(System.currentTimeMillis());
  }

  static final String MAIN = "#include \"h.h\"\n#include <stdio.h>\nint f(void) { return V + (int) sizeof(FILE); }\n";

  /**
   * The daemon learns a compiler's identity on first use, which may outlast the wrapper's wait:
   * compiles are repeated until one is preprocessed for distribution (or served directly), so that the steps below see
   * only direct mode's decisions.
   */
  static void knownCompiler(String cc) throws Exception {
    Path d = project("warm-" + cc, Map.of("w.c", "int w;\n"));
    for (int i = 0; i < 60; i++) {
      long before = counter("preprocessorRuns") + counter("directHits");
      Commands.run(d, E2e.env(links, submitter.localApi()), 120, cmd(cc, List.of("-O2", "-c", "w.c", "-o", "w.o"))).orFail("warm " + cc);
      if (counter("preprocessorRuns") + counter("directHits") > before) {
        return;
      }
    }
    throw new AssertionError(cc + " never went through the preprocessor: " + stats().encodePrettily());
  }

  @Test
  @Order(5)
  void directHitsFollowAChangedHeaderWithGccAndClang() throws Exception {
    for (String cc : List.of("gcc", "clang")) {
      knownCompiler(cc);
      Path d = project("header-" + cc, Map.of("a.c", MAIN, "inc/h.h", "#define V 1\n"));
      String[] args = {"-O2", "-Iinc", "-MD", "-MF", "deps/a.d", "-c", "a.c", "-o", "out/a.o"};
      Files.createDirectories(d.resolve("deps"));
      Files.createDirectories(d.resolve("out"));
      compile(d, Map.of(), cc, false, args);
      stored();
      compile(d, Map.of(), cc, true, args);
      Files.writeString(d.resolve("inc/h.h"), "#define V 2\n");
      compile(d, Map.of(), cc, false, args);
      stored();
      compile(d, Map.of(), cc, true, args);
    }
  }

  @Test
  @Order(6)
  void aNewHeaderEarlierInTheIncludePathIsNoticed() throws Exception {
    Path d = project("shadow", Map.of("a.c", MAIN, "inc2/h.h", "#define V 1\n", "inc1/other.h", "\n"));
    String[] args = {"-O2", "-Iinc1", "-Iinc2", "-c", "a.c", "-o", "a.o"};
    compile(d, Map.of(), "gcc", false, args);
    stored();
    compile(d, Map.of(), "gcc", true, args);
    Files.writeString(d.resolve("inc1/h.h"), "#define V 7\n");
    compile(d, Map.of(), "gcc", false, args);
  }

  @Test
  @Order(7)
  void definesIncludePathsAndTheCompilerAreInTheKey() throws Exception {
    Path d = project("flags", Map.of("a.c", "#include \"h.h\"\nint f(void) { return V + W; }\n",
        "inc/h.h", "#define V 1\n", "inc3/h.h", "#define V 3\n"));
    compile(d, Map.of(), "gcc", false, "-O2", "-Iinc", "-DW=1", "-c", "a.c", "-o", "a.o");
    stored();
    compile(d, Map.of(), "gcc", true, "-O2", "-Iinc", "-DW=1", "-c", "a.c", "-o", "a.o");
    compile(d, Map.of(), "gcc", false, "-O2", "-Iinc", "-DW=2", "-c", "a.c", "-o", "a.o");
    compile(d, Map.of(), "gcc", false, "-O2", "-Iinc3", "-DW=1", "-c", "a.c", "-o", "a.o");
    knownCompiler("clang");
    compile(d, Map.of(), "clang", false, "-O2", "-Iinc", "-DW=1", "-c", "a.c", "-o", "a.o");
  }

  @Test
  @Order(8)
  void clockReadersAreServedDirectlyOnlyUnderTheirOwnEpochAndFilesChangedDuringTheCompileNever() throws Exception {
    Path d = project("clock", Map.of("t.c", "const char *t = __TIME__ __DATE__;\n", "a.c", MAIN, "inc/h.h", "#define V 1\n"));
    Map<String, String> epoch = Map.of("SOURCE_DATE_EPOCH", "1700000000");
    // A base dir keeps compiles on the preprocessed-text path, where a clock reader is never recorded.
    Map<String, String> textEpoch = Map.of("SOURCE_DATE_EPOCH", "1700000000", "VXCC_BASE_DIR", d.toString());
    long recorded = counter("manifestsRecorded");
    compile(d, textEpoch, "gcc", false, "-O2", "-c", "t.c", "-o", "t.o");
    // Newer than the compile's start: as if written while the compiler read it (a source tree: never recorded either).
    Files.setLastModifiedTime(d.resolve("inc/h.h"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
    compile(d, Map.of(), "gcc", false, "-O2", "-Iinc", "-c", "a.c", "-o", "a.o");
    stored();
    compile(d, textEpoch, "gcc", false, "-O2", "-c", "t.c", "-o", "t.o");
    compile(d, Map.of(), "gcc", false, "-O2", "-Iinc", "-c", "a.c", "-o", "a.o");
    assertEquals(recorded, counter("manifestsRecorded"), "nothing recorded: " + stats().encodePrettily());

    // As a source tree, SOURCE_DATE_EPOCH is in the tree's key and in the manifest's: the clock macros
    // say the epoch's time, so the stored result is exactly what this compile gives, and a direct hit is right.
    compile(d, epoch, "gcc", false, "-O2", "-c", "t.c", "-o", "t.o");
    stored();
    compile(d, epoch, "gcc", true, "-O2", "-c", "t.c", "-o", "t.o");
    // Another epoch is another key: compiled, not served.
    compile(d, Map.of("SOURCE_DATE_EPOCH", "1700086400"), "gcc", false, "-O2", "-c", "t.c", "-o", "t.o");
  }

  @Test
  @Order(9)
  void aSecondCheckoutGetsDirectHitsWithItsOwnPathsInTheDependencyFile() throws Exception {
    Path one = project("co-one/src", Map.of("a.c", MAIN, "inc/h.h", "#define V 1\n"));
    // Checkout roots of the same length: compilers wrap dependency-file lines by column.
    Path two = project("co-two/src", Map.of("a.c", MAIN, "inc/h.h", "#define V 1\n"));
    for (Path d : List.of(one, two)) {
      // Absolute paths, so that the dependency file names the checkout.
      compile(d, Map.of("VXCC_BASE_DIR", d.getParent().toString()), "gcc", d.equals(two), "-O2", "-I" + d.resolve("inc"),
          "-MD", "-c", d.resolve("a.c").toString(), "-o", "a.o", "-MF", "a.d");
      stored();
    }
  }

  /** Where the delegate and the servant of node-b store and look up entries now. */
  static List<Object> cacheLocations() throws Exception {
    JsonObject submitterStats = stats();
    JsonObject servantCache = E2e.stats(servantNode.localApi()).getJsonObject("servant", new JsonObject())
        .getJsonObject("cache", new JsonObject());
    return java.util.Arrays.asList(submitterStats.getJsonObject("cache").getValue("location"), servantCache.getValue("location"));
  }

  /**
   * The cache node dies (kill -9) and comes back on another port: the servant, which only ever puts,
   * must follow it as the delegate does, or nothing new is stored until it is restarted.
   */
  @Test
  @Order(10)
  @StepChain.Needs("buildsSucceedWithTheCacheDownAndHitAgainWhenItIsBack")
  void afterTheCacheMovesToAnotherPortServantsStoreThereAndDelegatesHitIt() throws Exception {
    Object old = stats().getJsonObject("cache").getValue("location");
    cacheNode.kill();
    cacheNode = cluster.start("cache", LoopbackCluster.cacheConfig(cacheDir, 1));
    long deadline = System.currentTimeMillis() + 60_000;
    List<Object> now = cacheLocations();
    while (now.get(0) == null || now.get(0).equals(old) || !now.get(0).equals(now.get(1))) {
      assertTrue(System.currentTimeMillis() < deadline, "delegate and servant did not both follow the cache from " + old
          + " (now " + now + "): " + stats().encodePrettily());
      Thread.sleep(200);
      now = cacheLocations();
    }

    Path dir = Files.createDirectories(work.resolve("moved-cache"));
    List<String> units = List.of("one", "two", "three");
    for (String u : units) {
      // New content, so new keys: only a put made after the move can make these hit.
      Files.writeString(dir.resolve(u + ".cc"), "int " + u + "_" + System.nanoTime() + "(int x) { return x * 3 + 1; }\n");
      Commands.run(dir, Map.of(), 60, List.of("/usr/bin/g++", "-O2", "-c", u + ".cc", "-o", u + ".ref.o")).orFail("local reference");
    }
    Map<String, String> env = E2e.env(links, submitter.localApi());
    long remote = counter("remote");
    for (String u : units) {
      Commands.run(dir, env, 120, E2e.onPath("g++", "-O2", "-c", u + ".cc", "-o", u + ".o")).orFail("compile through vxcc");
    }
    assertEquals(units.size(), counter("remote") - remote, "each compiled on the servant: " + stats().encodePrettily());
    stored();

    long hits = counter("cacheHits");
    for (String u : units) {
      Files.delete(dir.resolve(u + ".o"));
      Commands.run(dir, env, 120, E2e.onPath("g++", "-O2", "-c", u + ".cc", "-o", u + ".o")).orFail("compile through vxcc");
      assertArrayEquals(Files.readAllBytes(dir.resolve(u + ".ref.o")), Files.readAllBytes(dir.resolve(u + ".o")), u);
    }
    assertEquals(units.size(), counter("cacheHits") - hits, "the servant stored them in the moved cache: " + stats().encodePrettily());
  }

  /**
   * Issue 13 on a second real project: Debian's leveldb library rebuilt from a clean build
   * directory runs no preprocessor at all, and every object is the one a local build makes (all
   * three builds in the same directory, so that no path differs).
   */
  @Test
  @Order(11)
  void aCleanRebuildOfLeveldbRunsNoPreprocessorAndMatchesALocalBuild() throws Exception {
    Path leveldb = Sources.debian("leveldb");
    Path build = work.resolve("leveldb-build");
    List<String> cmake = List.of("-DLEVELDB_BUILD_TESTS=OFF", "-DLEVELDB_BUILD_BENCHMARKS=OFF");
    Build local = cleanBuild(leveldb, build, Map.of("VXCC_DISABLE", "1"), cmake, "leveldb", 8);
    // As many jobs as the servant has slots: on a loaded machine a compile that waits too long for
    // a slot compiles locally, and stores nothing for the rebuild to find.
    Build first = cleanBuild(leveldb, build, Map.of(), cmake, "leveldb", 4);
    assertEquals(local.objects().size(), first.remote(), "every object compiled remotely (and stored): " + stats().encodePrettily());
    E2e.assertIdentical(local.objects(), first.objects(), "leveldb through vxcc vs a local build");
    stored();

    Build second = cleanBuild(leveldb, build, Map.of(), cmake, "leveldb", 8);
    assertEquals(0, second.preprocessed(), "no preprocessor ran: " + stats().encodePrettily());
    assertEquals(local.objects().size(), second.direct(), "every object a direct hit: " + stats().encodePrettily());
    assertEquals(0, second.remote(), "nothing compiled again");
    E2e.assertIdentical(local.objects(), second.objects(), "leveldb rebuilt from the cache vs a local build");
  }
}
