package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.ops.Drain;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.identity.CompilerIdentity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A delegate replaced behind the local API's front while a wrapper's task is open: the socket
 * never goes away, the task is finished by the delegate that holds it, and new compiles go to the
 * new delegate.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalApiFrontTest {
  private static final Path GCC = Path.of("/usr/bin/gcc");

  private Vertx vertx;
  private Path dir;
  private Path socket;
  private JsonObject config;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-front");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    socket = dir.resolve("d.sock");
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    String compiler = new CompilerIdentity(new FileDigestCache()).identity(GCC);
    vertx.eventBus().consumer(Addresses.SCHEDULER_VIEW, m -> m.reply(new JsonObject()
        .put("servants", new JsonArray().add(new JsonObject().put("maxTasks", 1).put("compilerDigests", new JsonArray().add(compiler))))));
    config = new JsonObject().put("daemon", new JsonObject().put("token", "t").put("host", "test").put("localSocket", socket.toString())
        .put("maxLocalTasks", 1).put("lightweightRatio", 0.0).put("maxRemoteTasks", 0)
        .put("minRemoteSourceBytes", 1 << 20).put("localMaxRequestBytes", 1 << 20));
    vertx.deployVerticle(new LocalApiFront(), new DeploymentOptions().setConfig(config)).await(30, TimeUnit.SECONDS);
    Files.writeString(dir.resolve("a.c"), "int a;\n");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    LocalApiFixture.deleteTree(dir);
  }

  private String delegate() throws Exception {
    return vertx.deployVerticle(new LocalApiVerticle(), new DeploymentOptions().setConfig(config)).await(60, TimeUnit.SECONDS);
  }

  private LocalClient.Reply compile(LocalClient c) throws Exception {
    return c.post("/local/compile", Frames.builder().add("version", 1).add("pid", c.pid).add("cwd", dir.toString())
        .add("tool", "gcc").add("compiler", GCC.toString()).addAll("arg", List.of("-c", "a.c", "-o", "a.o")));
  }

  /** Until a delegate has its first view of the cluster, compiles rightly stay local. */
  private Frames distributed(LocalClient c) throws Exception {
    Frames d = compile(c).frames();
    for (int i = 0; i < 200 && !"preprocess".equals(d.text("action")); i++) {
      d = compile(c).frames();
    }
    assertEquals("preprocess", d.text("action"), "a compile offered for distribution");
    return d;
  }

  @Test
  void aTaskOpenDuringTheRedeployIsFinishedByItsDelegateAndNewWorkGoesToTheNewOne() throws Exception {
    String first = delegate();
    try (LocalClient wrapper = new LocalClient(socket); LocalClient later = new LocalClient(socket)) {
      String task = distributed(wrapper).text("task");

      String second = delegate();
      Future<String> drained = Drain.request(vertx, first, 30_000);
      assertTrue(Files.exists(socket), "the socket stays while delegates change");

      // The wrapper's task lives in the first delegate only; the front finds it there.
      LocalClient.Reply submitted = wrapper.post("/local/submit", Frames.builder().add("task", task).add("pid", wrapper.pid)
          .add("exit", 0).add("stderr", "").add("stdout", "int a;\n"));
      assertEquals(200, submitted.status(), submitted.text());
      assertEquals("local", submitted.frames().text("action"), "small source: the holder answers, compile locally");

      assertEquals("drained", drained.await(40, TimeUnit.SECONDS), "the first delegate drained once its task was answered");
      vertx.undeploy(first).await(30, TimeUnit.SECONDS);
      assertTrue(Files.exists(socket));

      assertEquals(200, later.call("GET", "/local/version", io.vertx.core.buffer.Buffer.buffer()).status());
      distributed(later);
      LocalClient.Reply unknown = later.post("/local/wait", Frames.builder().add("task", task));
      assertEquals(200, unknown.status(), unknown.text());
      assertEquals("fail", unknown.frames().text("action"), "a task nobody holds is an answer, not a dropped request");
      JsonObject stats = new JsonObject(later.call("GET", "/local/stats?format=json", io.vertx.core.buffer.Buffer.buffer()).text());
      assertTrue(stats.getLong("invocations") >= 2, "the counters survive the redeploy: " + stats);
      assertTrue(vertx.deploymentIDs().contains(second));
    }
  }
}
