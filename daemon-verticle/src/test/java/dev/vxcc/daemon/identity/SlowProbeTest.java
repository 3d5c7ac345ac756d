package dev.vxcc.daemon.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.daemon.DaemonConstants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compiler that takes its time answering {@code -###} (a network-mounted toolchain, a wrapper
 * that hangs) holds one probe thread and nothing else: other compilers are identified meanwhile,
 * Vert.x's own workers stay free, and callers asking about the slow one share its single probe.
 */
class SlowProbeTest {
  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private Path release;

  @AfterEach
  void tearDown() throws Exception {
    if (release != null) {
      Files.createFile(release);
    }
    vertx.close().await(60, TimeUnit.SECONDS);
  }

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void aSlowProbeBlocksNeitherAnotherCompilerNorOtherWork() throws Exception {
    Path started = dir.resolve("started");
    release = dir.resolve("release");
    // Waits for the test, not for a clock: the probe ends when the test says so.
    Path slow = script("slow-gcc", "touch " + started + "\nwhile [ ! -e " + release + " ]; do sleep 0.05; done\nexit 1\n");
    Path fast = script("fast-gcc", "echo 'gcc version 99.1 (stand-in)'\necho ' /bin/true -quiet'\n");
    CompilerIdentity ids = new CompilerIdentity(new FileDigestCache());
    // Two threads: if a second caller of the slow probe took one, the fast compiler would wait.
    WorkerExecutor probes = vertx.createSharedWorkerExecutor(DaemonConstants.COMPILER_PROBE_POOL, 2);

    Future<CompilerIdentity.Identity> first = ids.of(slow, probes);
    awaitFile(started);
    Future<CompilerIdentity.Identity> second = ids.of(slow, probes);
    Future<CompilerIdentity.Identity> third = ids.of(slow, probes);

    // A delegate joins from its event loop, whose state is confined to it: it must resume there.
    io.vertx.core.Promise<Void> joined = io.vertx.core.Promise.promise();
    io.vertx.core.Promise<Boolean> resumedOnLoop = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> {
      ids.of(slow, probes).onComplete(ar -> resumedOnLoop.complete(io.vertx.core.Context.isOnEventLoopThread()));
      joined.complete();
    });
    joined.future().await(20, TimeUnit.SECONDS);

    CompilerIdentity.Identity other = ids.of(fast, probes).await(20, TimeUnit.SECONDS);
    assertNotNull(other.hex());
    assertEquals("worker pool is free", vertx.executeBlocking(() -> "worker pool is free", false).await(20, TimeUnit.SECONDS));
    assertFalse(first.isComplete(), "the slow probe was still running");

    Files.createFile(release);
    release = null;
    for (Future<CompilerIdentity.Identity> f : List.of(first, second, third)) {
      Throwable failure = f.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(60, TimeUnit.SECONDS);
      assertInstanceOf(IOException.class, unwrap(failure), "a failed probe fails every caller that waited for it");
    }
    assertEquals(2, ids.probes(), "the slow compiler was run once, the fast one once");
    assertTrue(resumedOnLoop.future().await(20, TimeUnit.SECONDS), "a caller that joined a probe resumes on its event loop");
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? unwrap(e.getCause()) : e;
  }

  private static void awaitFile(Path p) throws Exception {
    dev.vxcc.testkit.FileEvents.await(p, java.time.Duration.ofSeconds(30), "the slow probe never started");
  }
}
