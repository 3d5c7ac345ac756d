package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import dev.vxcc.testkit.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What happens when our side fails: the build must still succeed, promptly, with the right objects. */
class FailureTest {
  static final String SOURCE = "#include <map>\n#include <string>\n"
      + "int count(const std::map<std::string, int>& m) { int n = 0; for (auto& [k, v] : m) n += v + (int) k.size(); return n; }\n";

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void withNoDaemonEveryCompileRunsLocallyWithinASecond() throws Exception {
    Path work = E2e.work("no-daemon");
    Path links = E2e.symlinks(work);
    Map<String, String> env = E2e.env(links, "127.0.0.1:" + Ports.free());
    long leastExtra = Long.MAX_VALUE;
    List<String> timings = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Files.writeString(work.resolve("f" + i + ".cc"), SOURCE + "int k" + i + ";\n");
      Commands.Result viaVxcc = Commands.run(work, env, 60, E2e.onPath("g++", "-O2", "-c", "f" + i + ".cc", "-o", "f" + i + ".o"));
      Commands.Result direct = Commands.run(work, Map.of(), 60, List.of("/usr/bin/g++", "-O2", "-c", "f" + i + ".cc", "-o", "d" + i + ".o"));
      viaVxcc.orFail("compile with the daemon down");
      assertArrayEquals(Files.readAllBytes(work.resolve("d" + i + ".o")), Files.readAllBytes(work.resolve("f" + i + ".o")));
      leastExtra = Math.min(leastExtra, viaVxcc.millis() - direct.millis());
      timings.add(viaVxcc.millis() + " ms vs " + direct.millis() + " ms direct");
    }
    // The shim's own cost is the failed connect: the compile takes about as long as a direct one.
    // Judged on the best of the three pairs: a busy machine slows single runs, while a shim that
    // waited for the missing daemon would be slow in every one.
    assertTrue(leastExtra < 1000, "every compile took over a second longer than a direct one: " + timings);
  }

  /**
   * The only servant that has the (slow) compiler is killed while it compiles: the wrapper's
   * build still succeeds, locally, with the object a local compile gives.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void servantKilledMidTaskStillGivesASuccessfulBuild() throws Exception {
    Path work = E2e.work("servant-killed");
    Path links = E2e.symlinks(work);
    Path slowDir = Files.createDirectories(work.resolve("slow-compiler"));
    Path started = work.resolve("remote-compile-started");
    Path slow = slowDir.resolve("g++");
    // Sleeps only when run by a servant (its input is preprocessed), so preprocessing stays quick.
    Files.writeString(slow, "#!/bin/sh\ncase \" $* \" in *\" -fpreprocessed \"*|*\"-cpp-output\"*) "
        + "[ -n \"$VXCC_TEST_STARTED\" ] && touch \"$VXCC_TEST_STARTED\"; sleep 30;; esac\nexec /usr/bin/g++ \"$@\"\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));

    try (LoopbackCluster cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 3)) {
      cluster.start("scheduler", LoopbackCluster.config("sched", 0));
      // The stand-in recognises a servant's run by its preprocessed input: keep the submitter on the text path.
      JsonObject submitterConf = LoopbackCluster.config("node-a", 0);
      submitterConf.getJsonObject("daemon").put("sourceTreeFirst", false);
      NodeProcess submitter = cluster.start("daemon", submitterConf);
      JsonObject victimConf = LoopbackCluster.config("node-b", 2);
      victimConf.getJsonObject("daemon").put("extraCompilerDirs", new JsonArray().add(slowDir.toString()));
      // The stand-in lives in a private test directory: run it as ourselves, even as root (CI).
      victimConf.getJsonObject("daemon").put("servantUser", "").put("servantAllowRoot", true);
      NodeProcess victim = cluster.startWithEnv("daemon", victimConf, Map.of("VXCC_TEST_STARTED", started.toString()));

      E2e.awaitCompilerInCluster(submitter.localApi(), slow);
      Map<String, String> env = E2e.env(links, submitter.localApi());
      env.put("PATH", links + ":" + slowDir + ":" + System.getenv("PATH"));
      env.put("VXCC_LOG_LEVEL", "debug");
      // A compile that ends before reaching the servant says nothing about a servant dying (on a
      // busy machine the delegate can miss the shim's 2 s compile budget): try a fresh source.
      List<String> neverRemote = new ArrayList<>();
      Commands.Async build = null;
      String source = null;
      for (int attempt = 0; attempt < 3 && !Files.exists(started); attempt++) {
        source = "k" + attempt + ".cc";
        Files.writeString(work.resolve(source), SOURCE + "int attempt" + attempt + ";\n");
        build = startAndAwaitRemote(work, env, source, started);
        if (!Files.exists(started)) {
          Commands.Result r = build.await(120);
          neverRemote.add("attempt " + attempt + " exit " + r.exit() + ", shim said:\n" + r.stderr());
          System.out.println("FailureTest: compile never reached the servant: " + neverRemote.getLast());
        }
      }
      assertTrue(Files.exists(started), "the remote compile never started: " + neverRemote + "\nsubmitter stats: "
          + E2e.stats(submitter.localApi()).encodePrettily() + "\nsubmitter log:\n" + NodeProcess.tail(submitter.log()));
      victim.kill();
      Commands.Result r;
      try {
        r = build.await(120);
      } catch (AssertionError e) {
        throw new AssertionError("the compile whose servant was killed never ended: " + e.getMessage()
            + "\nsubmitter log:\n" + NodeProcess.tail(submitter.log()), e);
      }
      r.orFail("compile whose servant was killed");
      Commands.run(work, Map.of(), 60, List.of("/usr/bin/g++", "-O2", "-c", source, "-o", "direct.o")).orFail("direct compile");
      assertArrayEquals(Files.readAllBytes(work.resolve("direct.o")), Files.readAllBytes(work.resolve("k.o")));
    }
  }

  /** Starts the compile, then waits on file events until the servant started it or the compile ended. */
  static Commands.Async startAndAwaitRemote(Path work, Map<String, String> env, String source, Path started) throws Exception {
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      work.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      Commands.Async build = Commands.start(work, env, E2e.onPath("g++", "-O2", "-c", source, "-o", "k.o"));
      long deadline = System.currentTimeMillis() + 60_000;
      while (!Files.exists(started) && System.currentTimeMillis() < deadline && build.alive()) {
        WatchKey key = watch.poll(1, TimeUnit.SECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
      return build;
    }
  }
}
