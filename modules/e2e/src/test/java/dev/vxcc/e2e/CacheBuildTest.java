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
  record Build(Map<String, byte[]> objects, long remote, long hits) {}

  /** A clean build of ninja's library in one fixed directory (its path is part of nothing we compare). */
  static Build cleanBuild() throws Exception {
    return cleanBuild(src, work.resolve("build"), Map.of());
  }

  static Build cleanBuild(Path src, Path build, Map<String, String> extraEnv) throws Exception {
    Commands.run(work, Map.of(), 60, List.of("rm", "-rf", build.toString())).orFail("rm");
    Map<String, String> env = E2e.env(links, submitter.localApi());
    env.putAll(extraEnv);
    Commands.run(work, env, 300, List.of("cmake", "-S", src.toString(), "-B", build.toString(), "-DCMAKE_BUILD_TYPE=None",
        "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG", "-DCMAKE_CXX_COMPILER=" + links.resolve("g++"))).orFail("cmake");
    long remote = counter("remote");
    long hits = counter("cacheHits");
    Commands.run(build, env, 900, List.of("make", "-j8", "libninja")).orFail("make libninja through vxcc");
    Map<String, byte[]> objects = E2e.objects(build.resolve("CMakeFiles/libninja.dir"));
    assertTrue(objects.size() >= 20, "libninja has dozens of objects: " + objects.keySet());
    return new Build(objects, counter("remote") - remote, counter("cacheHits") - hits);
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
    awaitBloomRefreshAfter(System.currentTimeMillis());

    Build second = cleanBuild();
    assertEquals(reference.size(), second.hits(), "all hits: " + stats().encodePrettily());
    assertEquals(0, second.remote(), "nothing compiled again");
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
      victim = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
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
    awaitBloomRefreshAfter(System.currentTimeMillis());

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
  @Order(5)
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
    awaitBloomRefreshAfter(System.currentTimeMillis());

    long hits = counter("cacheHits");
    for (String u : units) {
      Files.delete(dir.resolve(u + ".o"));
      Commands.run(dir, env, 120, E2e.onPath("g++", "-O2", "-c", u + ".cc", "-o", u + ".o")).orFail("compile through vxcc");
      assertArrayEquals(Files.readAllBytes(dir.resolve(u + ".ref.o")), Files.readAllBytes(dir.resolve(u + ".o")), u);
    }
    assertEquals(units.size(), counter("cacheHits") - hits, "the servant stored them in the moved cache: " + stats().encodePrettily());
  }
}
