package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.Zstd;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed task takes the compiler's children with it (found on a worker, not on the event loop). */
class EngineKillTest {
  private static final long GRANT = 7;
  @TempDir
  Path tmp;
  private Vertx vertx;
  private Context loop;
  private Path world;
  private Optional<ProcessHandle> child = Optional.empty();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    // Reachable by the unprivileged user compilers run as when the tests run as root (CI).
    world = Files.createDirectory(tmp.resolve("world"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(world, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  @AfterEach
  void tearDown() throws Exception {
    child.ifPresent(ProcessHandle::destroyForcibly);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private <T> T onLoop(Supplier<Future<T>> call) throws Exception {
    Promise<T> p = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(p));
    return p.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void anExpiredGrantKillsTheCompilerAndItsChildren() throws Exception {
    Path pidFile = world.resolve("child.pid");
    Path compiler = world.resolve("hangcc");
    // Stands for a driver whose cc1 runs on: the child must die with it.
    Files.writeString(compiler, "#!/bin/sh\nsleep 600 &\necho $! > " + pidFile + ".tmp\nmv " + pidFile + ".tmp " + pidFile
        + "\nwait\n");
    Files.setPosixFilePermissions(compiler, PosixFilePermissions.fromString("rwxr-xr-x"));
    ServantLimits limits = ServantLimits.fromJson(new JsonObject().put("servantMaxSourceBytes", 1 << 20)
        .put("servantInFlightBytes", 1 << 30).put("servantCpuSeconds", 60), 60_000);
    ExecutionEngine engine = new ExecutionEngine(vertx, JobRoot.create(world), 2, () -> 0, 0, 600_000, InstantSource.system(),
        Sandbox.resolve(limits), limits);
    long id = onLoop(() -> engine.queue(new ServantJob(compiler, "b".repeat(64), List.of("-c"),
        Zstd.compress("int x;\n".getBytes(StandardCharsets.UTF_8)), GRANT, "c".repeat(64), ".o", true, null, "", "", "", "")));

    dev.vxcc.testkit.FileEvents.await(pidFile, java.time.Duration.ofSeconds(30), "the stand-in compiler never started its child");
    child = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
    assertTrue(child.isPresent(), "the child runs");

    onLoop(() -> {
      engine.killGrants(List.of(GRANT));
      return Future.succeededFuture();
    });
    WaitTaskResponse r;
    do {
      r = onLoop(() -> engine.await(id, 10_000));
    } while (r.getStatus() == TaskStatus.TASK_STATUS_RUNNING);
    assertEquals(-1, r.getExitCode());
    assertTrue(new String(Zstd.decompress(r.getStderrZstd().toByteArray()), StandardCharsets.UTF_8).contains("cancelled"));
    child.get().onExit().get(30, TimeUnit.SECONDS);
  }
}
