package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.identity.CompilerIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /local/doctor} and {@code /local/explain} on the real socket, from a caller that is another process. */
class DoctorExplainVerticleTest {
  private static final Path GCC = Path.of("/usr/bin/gcc");

  private Vertx vertx;
  private Path dir;
  private Path socket;
  private Path self;
  private Path links;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-doctor");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    socket = dir.resolve("d.sock");
    self = dir.resolve("vxcc");
    Files.writeString(self, "#!/bin/sh\n");
    Files.setPosixFilePermissions(self, PosixFilePermissions.fromString("rwxr-xr-x"));
    links = Files.createDirectory(dir.resolve("links"));
    for (String n : List.of("gcc", "g++", "cc", "c++", "clang", "clang++")) {
      Files.createSymbolicLink(links.resolve(n), self);
    }
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    String gcc = new CompilerIdentity(new FileDigestCache()).identity(GCC);
    // One servant, with this machine's gcc only.
    vertx.eventBus().consumer(Addresses.SCHEDULER_VIEW, m -> m.reply(new JsonObject().put("servants", new JsonArray()
        .add(new JsonObject().put("location", "farm-1:4001").put("maxTasks", 2).put("capacity", 2)
            .put("compilerDigests", new JsonArray().add(gcc))))));
    LocalApiFixture.deploy(vertx, socket);
    Files.writeString(dir.resolve("a.c"), "int a;\n");
    // Until the first view arrives, the daemon has no servants to report: wait for it.
    try (LocalClient probe = new LocalClient(socket)) {
      for (int i = 0; i < 100 && !explain(probe, "-c", "a.c", "-o", "a.o").contains("remote"); i++) {
        Thread.onSpinWait();
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    LocalApiFixture.deleteTree(dir);
  }

  private String explain(LocalClient c, String... args) throws IOException {
    LocalClient.Reply r = c.post("/local/explain", Frames.builder().add("version", 1).add("pid", c.pid).add("cwd", dir.toString())
        .add("tool", "gcc").add("compiler", GCC.toString()).addAll("arg", List.of(args)));
    assertEquals(200, r.status(), r.text());
    return r.frames().text("text");
  }

  private Frames doctor(LocalClient c, String path, String... env) throws IOException {
    LocalClient.Reply r = c.post("/local/doctor", Frames.builder().add("version", 1).add("self", self.toString())
        .add("socket", socket.toString()).add("cwd", dir.toString()).add("path", path).addAll("env", List.of(env)));
    assertEquals(200, r.status(), r.text());
    return r.frames();
  }

  @Test
  void doctorOnAHealthySetUp() throws Exception {
    try (LocalClient c = new LocalClient(socket)) {
      Frames f = doctor(c, links + ":/usr/bin:/bin");
      List<String> lines = f.text("text").lines().toList();
      assertEquals("OK   path: gcc, g++, cc, c++, clang, clang++ resolve to vxcc (" + links + ")", lines.get(0), f.text("text"));
      assertEquals("OK   daemon: reachable at " + socket + ", local compile slots: 1", lines.get(1));
      assertEquals("OK   scheduler: reachable, 1 servant, 2 slots (farm-1:4001 2)", lines.get(2));
      String version = DoctorService.version(GCC);
      assertTrue(lines.stream().anyMatch(l -> l.matches("OK   compiler: gcc(, cc)? \\(\\Q" + version + "\\E\\): 1 of 1 servants have it \\(farm-1:4001\\)")),
          f.text("text"));
      assertTrue(lines.getLast().startsWith("WARN cache: no shared cache found"), lines.getLast());
      assertEquals("0", f.text("exit"), "warnings alone are not a failure");
    }
  }

  @Test
  void doctorFindsTheLinksMissingAndCcacheInTheWay() throws Exception {
    try (LocalClient c = new LocalClient(socket)) {
      Frames f = doctor(c, "/usr/bin:/bin", "CMAKE_CXX_COMPILER_LAUNCHER=ccache");
      List<String> lines = f.text("text").lines().toList();
      assertTrue(lines.get(0).startsWith("WARN path: gcc -> /usr/bin/gcc"), lines.get(0));
      assertTrue(lines.get(0).endsWith("bypass vxcc: run `vxcc install-symlinks ~/.vxcc/bin` and `export PATH=~/.vxcc/bin:$PATH`"
          + " (or use vxcc as the compiler launcher, e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc)"), lines.get(0));
      assertEquals("WARN launcher: CMAKE_CXX_COMPILER_LAUNCHER=ccache: ccache's misses do not reach vxcc (CCACHE_PREFIX is not set):"
          + " export CCACHE_PREFIX=vxcc (ccache caches locally, vxcc distributes its misses)", lines.get(1));
    }
  }

  @Test
  void doctorRefusesRelativePaths() throws Exception {
    try (LocalClient c = new LocalClient(socket)) {
      LocalClient.Reply r = c.post("/local/doctor", Frames.builder().add("self", "vxcc").add("cwd", "/").add("path", ""));
      assertEquals(400, r.status());
      assertTrue(r.text().contains("must be absolute"), r.text());
    }
  }

  @Test
  void explainARemoteCompileWritesAndCountsNothing() throws Exception {
    try (LocalClient c = new LocalClient(socket)) {
      JsonObject before = stats(c);
      String text = explain(c, "-c", "a.c", "-o", "a.o");
      List<String> lines = text.lines().toList();
      assertEquals("compile: gcc -c a.c -o a.o", lines.get(0));
      assertTrue(lines.get(1).startsWith("where:   remote: a.c -> "), text);
      assertTrue(lines.get(1).endsWith("a.o on one of 1 servant with this compiler (farm-1:4001)"), text);
      assertTrue(lines.get(2).startsWith("how:     preprocess here with `/usr/bin/gcc "), text);
      assertEquals("cache:   no shared cache reachable: nothing to look up (see `vxcc doctor`)", lines.get(3));
      assertFalse(Files.exists(dir.resolve("a.o")));
      JsonObject after = stats(c);
      assertEquals(before.getLong("invocations"), after.getLong("invocations"), after.encode());
      assertEquals(0, after.getInteger("tasksInFlight"));
      assertEquals(0, after.getInteger("localRunning"));
    }
  }

  @Test
  void explainALinkOrAPreprocessStaysLocalWithItsReason() throws Exception {
    try (LocalClient c = new LocalClient(socket)) {
      String text = explain(c, "a.c", "-o", "a");
      assertEquals("compile: gcc a.c -o a\n"
          + "where:   local (not-a-compile): no -c or -S: linking or another non-compiling driver mode\n"
          + "cache:   not used for local compiles\n", text);
      assertEquals("cache:   not used (VXCC_CACHE_CONTROL=0)", c.post("/local/explain", Frames.builder().add("cwd", dir.toString())
          .add("tool", "gcc").add("compiler", GCC.toString()).addAll("arg", List.of("-c", "a.c")).add("env", "VXCC_CACHE_CONTROL=0"))
          .frames().text("text").lines().toList().get(3));
      assertFalse(Files.exists(dir.resolve("a")));
      assertEquals("where:   local (preprocess-only): -E: only preprocessing is requested", explain(c, "-E", "a.c").lines().toList().get(1));
    }
  }

  private static JsonObject stats(LocalClient c) throws IOException {
    return new JsonObject(c.call("GET", "/local/stats?format=json", Buffer.buffer()).text());
  }
}
