package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.identity.CompilerIdentity;
import dev.vxcc.daemon.servant.ServantVerticle;
import dev.vxcc.testkit.Toolchains;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gcc -g compile with a user prefix map, which the preprocessed recipes keep local
 * (debug-info-records-switches), through the real delegate and a real servant with
 * daemon.sourceTree on: the wrapper runs the dependency-only pass it is told to, the servant
 * compiles the user's argv at the user's paths, and the object, .d, stderr and exit code the
 * wrapper is handed equal a local compile's; a compile error comes back exactly too. The same for a
 * gcc -gsplit-dwarf compile, whose .dwo comes back as well.
 */
class SourceTreeFlowTest {
  private static final Path GXX = Path.of("/usr/bin/g++");

  private Path dir;
  private Path proj;
  private Vertx vertx;
  private FakeScheduler scheduler;
  private Wrapper wrapper;

  @BeforeEach
  void setUp() throws Exception {
    Toolchains.require(Files.isExecutable(GXX), GXX.toString());
    Toolchains.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "/usr/bin/bwrap (Debian package bubblewrap)");
    dir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-tree");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    // The servant scans only this directory, so it probes one compiler, not every one on PATH.
    Files.createSymbolicLink(bin.resolve("g++"), GXX);
    proj = Files.createDirectories(dir.resolve("proj"));
    Files.createDirectories(proj.resolve("include"));
    Files.createDirectories(proj.resolve("src"));
    Files.createDirectories(proj.resolve("build"));
    Files.writeString(proj.resolve("include/lib.h"), "#pragma once\n#include <cstdio>\n#define SCALE 3\nint scale(int);\n");
    Files.writeString(proj.resolve("src/warn.cc"), "#include \"lib.h\"\nint scale(int x) {\n  if (x > 2) return x * SCALE;\n}\n");
    Files.writeString(proj.resolve("src/broken.cc"), "#include \"lib.h\"\nint broken() { return missing + SCALE; }\n");
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    scheduler = new FakeScheduler(new CompilerIdentity(new FileDigestCache()).identity(GXX));
    vertx.deployVerticle(scheduler).await(30, TimeUnit.SECONDS);
    ServantVerticle servant = new ServantVerticle(extra -> List.of(bin));
    JsonObject servantCfg = new JsonObject().put("token", "t").put("host", "servant").put("servingPort", 0).put("maxRemoteTasks", 2)
        .put("tempDir", Files.createDirectories(dir.resolve("servant")).toString()).put("servantUser", "").put("servantAllowRoot", true)
        .put("heartbeatMs", 100);
    vertx.deployVerticle(servant, new DeploymentOptions().setConfig(new JsonObject().put("daemon", servantCfg))).await(120, TimeUnit.SECONDS);
    scheduler.servants(servant.location());
    scheduler.until(() -> scheduler.beats(servant.location()) >= 2).await(60, TimeUnit.SECONDS);
    // bwrap works here, so the servant says so: the scheduler hands it source-tree tasks.
    assertEquals(List.of(ServantHeartbeat.SOURCE_TREE), scheduler.capabilities(servant.location()));
    // It also judges which of the machine's load is not the scheduler's tasks, over its own window.
    assertTrue(scheduler.foreignLoad(servant.location()) >= 0, "foreign load " + scheduler.foreignLoad(servant.location()));
    Path socket = dir.resolve("d.sock");
    JsonObject delegateCfg = new JsonObject().put("token", "t").put("host", "submitter").put("localSocket", socket.toString())
        .put("maxLocalTasks", 2).put("maxRemoteTasks", 0).put("localMaxRequestBytes", 1 << 20).put("sourceTree", true);
    vertx.deployVerticle(new LocalApiVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("daemon", delegateCfg)))
        .await(30, TimeUnit.SECONDS);
    wrapper = new Wrapper(socket, proj.resolve("build"), GXX);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    LocalApiFixture.deleteTree(dir);
  }

  private List<String> argv(String unit) {
    return List.of("-g", "-O2", "-ffile-prefix-map=" + proj + "=.", "-I" + proj.resolve("include"), "-MD", "-MF", unit + ".d",
        "-o", unit + ".o", "-c", proj.resolve("src/" + unit + ".cc").toString());
  }

  /** What the shim does: ask, run the directive's command, submit its output, wait for the outcome. */
  private Frames viaDaemon(List<String> argv) throws Exception {
    Frames d = null;
    for (int i = 0; i < 50; i++) {
      d = wrapper.post("/local/compile", Frames.builder().add("version", 1).add("cwd", proj.resolve("build").toString())
          .add("tool", "g++").add("compiler", GXX.toString()).addAll("arg", argv)
          // The shim sends its environment; the locale decides the quotes in diagnostics.
          .addAll("env", System.getenv().entrySet().stream().filter(e -> e.getKey().equals("LANG") || e.getKey().startsWith("LC_"))
              .map(e -> e.getKey() + "=" + e.getValue()).toList()));
      if ("preprocess".equals(d.text("action"))) {
        break;
      }
      assertEquals("scheduler-unreachable", d.text("reason", ""), "the only reason to stay local here");
      int views = scheduler.views("t");
      scheduler.until(() -> scheduler.views("t") > views).await(30, TimeUnit.SECONDS);
    }
    assertEquals("preprocess", d.text("action"));
    List<String> cmd = d.texts("arg");
    assertTrue(cmd.contains("-M"), "a dependency-only run: " + cmd);
    Process p = new ProcessBuilder(cmd).directory(proj.resolve("build").toFile()).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String task = d.text("task");
    Frames r = wrapper.post("/local/submit", Frames.builder().add("task", task).add("exit", p.exitValue()).add("stderr", err).add("stdout", out));
    while ("pending".equals(r.text("action"))) {
      r = wrapper.post("/local/wait", Frames.builder().add("task", task));
    }
    return r;
  }

  private record Local(int exit, String stderr, Map<String, byte[]> files) {}

  private Local local(List<String> argv, List<String> outputs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(GXX.toString()));
    cmd.addAll(argv);
    Process p = new ProcessBuilder(cmd).directory(proj.resolve("build").toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String o : outputs) {
      Path f = proj.resolve("build").resolve(o);
      if (Files.exists(f)) {
        files.put(f.toString(), Files.readAllBytes(f));
        Files.delete(f);
      }
    }
    return new Local(p.exitValue(), err, files);
  }

  @Test
  void aPrefixMappedDebugCompileRunsRemotelyAndMatchesLocal() throws Exception {
    compareThroughTheDaemon(this::argv, unit -> List.of(unit + ".o", unit + ".d"));
  }

  /** The .dwo comes back too and lands where gcc writes it, next to the object in another directory. */
  @Test
  void aSplitDwarfCompileRunsRemotelyAndItsDwoMatchesLocal() throws Exception {
    Files.createDirectories(proj.resolve("build/obj"));
    compareThroughTheDaemon(unit -> List.of("-g", "-O2", "-gsplit-dwarf", "-I" + proj.resolve("include"), "-MD",
        "-o", "obj/" + unit + ".o", "-c", proj.resolve("src/" + unit + ".cc").toString()),
        unit -> List.of("obj/" + unit + ".o", "obj/" + unit + ".d", "obj/" + unit + ".dwo"));
  }

  /** outputs: every file the compile of a unit may write, relative to the build directory. */
  private void compareThroughTheDaemon(Function<String, List<String>> argv, Function<String, List<String>> outputs) throws Exception {
    for (String unit : List.of("warn", "broken")) {
      Local expected = local(argv.apply(unit), outputs.apply(unit));
      if (unit.equals("warn")) {
        assertEquals(outputs.apply(unit).size(), expected.files().size(), "the local compile wrote " + expected.files().keySet());
      }
      Frames r = viaDaemon(argv.apply(unit));
      assertEquals("result", r.text("action"), () -> "not a result: " + r.text("reason", ""));
      assertEquals(expected.exit(), r.number("exit"), unit);
      assertEquals(expected.stderr(), new String(r.bytes("stderr"), StandardCharsets.UTF_8), unit);
      Map<String, byte[]> got = new LinkedHashMap<>();
      List<String> paths = r.texts("file");
      List<byte[]> data = r.fields().stream().filter(f -> f.tag().equals("data")).map(Frames.Field::value).toList();
      for (int i = 0; i < paths.size(); i++) {
        got.put(paths.get(i), data.get(i));
      }
      assertEquals(expected.files().keySet(), got.keySet(), unit);
      expected.files().forEach((k, v) -> assertArrayEquals(v, got.get(k), unit + ": " + k));
    }
    JsonObject stats = wrapper.stats();
    assertEquals(2, stats.getLong("sourceTree"), stats.encode());
    assertEquals(2, stats.getLong("remote"), stats.encode());
    assertTrue(scheduler.sourceTreeRequests() > 0, "the delegate asked for servants that run source trees");
  }
}
