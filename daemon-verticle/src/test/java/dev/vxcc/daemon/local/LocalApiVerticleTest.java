package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.identity.CompilerIdentity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local API against callers that are separate processes (issue 8, findings 3, 4, 6 and the
 * local part of 5): each attack as it was made, now refused.
 */
class LocalApiVerticleTest {
  private static final Path GCC = Path.of("/usr/bin/gcc");

  private Vertx vertx;
  /** World-searchable, so that a client running as nobody reaches the socket and the test files. */
  private Path dir;
  private Path socket;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-local");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    socket = dir.resolve("d.sock");
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    String compiler = new CompilerIdentity(new FileDigestCache()).identity(GCC);
    // A scheduler that knows one servant with our gcc, so compiles are offered for distribution.
    vertx.eventBus().consumer(Addresses.SCHEDULER_VIEW, m -> m.reply(new JsonObject()
        .put("servants", new JsonArray().add(new JsonObject().put("maxTasks", 1).put("compilerDigests", new JsonArray().add(compiler))))));
    LocalApiFixture.deploy(vertx, socket);
    Files.writeString(dir.resolve("a.c"), "int a;\n");
    // Until the first view arrives, compiles stay local: wait for the daemon to see the servant.
    try (LocalClient probe = new LocalClient(socket)) {
      for (int i = 0; i < 100 && !"preprocess".equals(compile(probe).frames().text("action")); i++) {
        Thread.onSpinWait();
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    LocalApiFixture.deleteTree(dir);
  }

  private LocalClient.Reply compile(LocalClient c) throws IOException {
    return c.post("/local/compile", Frames.builder().add("version", 1).add("pid", c.pid).add("cwd", dir.toString())
        .add("tool", "gcc").add("compiler", GCC.toString()).addAll("arg", java.util.List.of("-c", "a.c", "-o", "a.o")));
  }

  private static void assertRefused(int status, String reasonPart, LocalClient.Reply r) {
    assertEquals(status, r.status(), r.text());
    assertTrue(r.text().contains(reasonPart), r.text());
  }

  @Test
  void anotherProcessCannotSubmitOrWaitForAWrappersTask() throws Exception {
    try (LocalClient victim = new LocalClient(socket); LocalClient attacker = new LocalClient(socket)) {
      Frames directive = compile(victim).frames();
      assertEquals("preprocess", directive.text("action"));
      String task = directive.text("task");
      assertTrue(task.matches("[0-9a-f]{32}"), "task ids are 128 random bits: " + task);

      // The planting attack: the victim's pid (from ps) and task id, the attacker's object.
      Frames.Builder planted = Frames.builder().add("task", task).add("pid", victim.pid).add("exit", 0)
          .add("stderr", "").add("stdout", "int planted;\n");
      assertRefused(403, "is not the caller's", attacker.post("/local/submit", planted));
      Frames.Builder asItself = Frames.builder().add("task", task).add("exit", 0).add("stderr", "").add("stdout", "int planted;\n");
      assertRefused(403, "belongs to another process", attacker.post("/local/submit", asItself));
      assertRefused(403, "belongs to another process", attacker.post("/local/wait", Frames.builder().add("task", task)));

      // The owner's own submit still goes through (small source: compile locally).
      LocalClient.Reply own = victim.post("/local/submit", Frames.builder().add("task", task).add("pid", victim.pid)
          .add("exit", 0).add("stderr", "").add("stdout", "int a;\n"));
      assertEquals(200, own.status(), own.text());
      assertEquals("local", own.frames().text("action"));
    }
  }

  @Test
  void quotaIsHeldByTheRealPidAndOnlyItsHolderReleasesIt() throws Exception {
    try (LocalClient victim = new LocalClient(socket); LocalClient hog = new LocalClient(socket)) {
      assertRefused(403, "is not the caller's", hog.post("/local/acquire", Frames.builder().add("pid", 1).add("kind", "heavy")));
      assertRefused(403, "is not the caller's", hog.post("/local/acquire", Frames.builder().add("pid", -1).add("kind", "heavy")));
      assertEquals("granted", hog.post("/local/acquire", Frames.builder().add("kind", "heavy")).frames().text("action"));

      assertRefused(403, "is not the caller's", victim.post("/local/release", Frames.builder().add("pid", hog.pid)));
      // Without a claim a release frees only the caller's own slot (it holds none): the hog keeps it.
      assertEquals(200, victim.post("/local/release", Frames.builder()).status());
      JsonObject stats = new JsonObject(victim.call("GET", "/local/stats?format=json", io.vertx.core.buffer.Buffer.buffer()).text());
      assertEquals(1, stats.getInteger("localRunning"));

      // The hog dies: its slot is reclaimed and goes to the waiting victim.
      CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          String action = "wait";
          while (action.equals("wait")) {
            action = victim.post("/local/acquire", Frames.builder().add("pid", victim.pid).add("kind", "heavy")).frames().text("action");
          }
          return action;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      hog.kill();
      assertEquals("granted", waiting.get(60, TimeUnit.SECONDS));
    }
  }

  private String fileDigestAsNobody(Path file) throws Exception {
    Process p = new ProcessBuilder("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
        "curl", "-s", "--unix-socket", socket.toString(), "--data-binary", "@-", "-w", "\n%{http_code}", "http://localhost/local/file_digest")
        .redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(Frames.builder().add("path", file.toString()).build().getBytes());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  @Test
  void fileDigestOnlyForRegularFilesTheCallerMayRead() throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "root only\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path open = dir.resolve("open");
    Files.writeString(open, "anyone\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = dir.resolve("link");
    Files.createSymbolicLink(link, secret);

    String refused = fileDigestAsNobody(secret);
    assertTrue(refused.endsWith("\n403") && refused.contains("permission denied"), refused);
    String viaLink = fileDigestAsNobody(link);
    assertTrue(viaLink.endsWith("\n403"), viaLink);
    String allowed = fileDigestAsNobody(open);
    assertTrue(allowed.endsWith("\n200") && allowed.contains(Digests.hexOfFile(open)), allowed);

    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    try (LocalClient root = new LocalClient(socket)) {
      assertEquals(Digests.hexOfFile(secret), root.post("/local/file_digest", Frames.builder().add("path", secret.toString())).frames().text("digest"));
      assertRefused(400, "not a regular file", root.post("/local/file_digest", Frames.builder().add("path", "/dev/zero")));
      assertRefused(400, "not a regular file", root.post("/local/file_digest", Frames.builder().add("path", fifo.toString())));
      assertRefused(400, "not a regular file", root.post("/local/file_digest", Frames.builder().add("path", dir.toString())));
      // The old "set" form cannot poison the cache: the answer is still the file's own digest.
      root.post("/local/file_digest", Frames.builder().add("path", open.toString()).add("size", 7).add("mtime", 0).add("digest", "00"));
      assertEquals(Digests.hexOfFile(open), root.post("/local/file_digest", Frames.builder().add("path", open.toString())).frames().text("digest"));
    }
  }

  @Test
  void aCompilerAnotherUserCouldReplaceIsNeverRunByTheDaemon() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path canary = dir.resolve("canary");
    Path evil = shared.resolve("gcc");
    Files.writeString(evil, "#!/bin/sh\nid > " + canary + "\nexec /usr/bin/gcc \"$@\"\n");
    Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (LocalClient c = new LocalClient(socket)) {
      Frames d = c.post("/local/compile", Frames.builder().add("cwd", dir.toString()).add("tool", "gcc")
          .add("compiler", evil.toString()).addAll("arg", java.util.List.of("-c", "a.c", "-o", "a.o"))).frames();
      assertEquals("local", d.text("action"));
      assertEquals("untrusted-compiler", d.text("reason"));
    }
    assertTrue(!Files.exists(canary), "the daemon ran a compiler from a world-writable directory");
  }

  @Test
  void responseFilesOfAnUnprivilegedCallerAreNotReadByTheDaemon() throws Exception {
    Path rsp = dir.resolve("args.rsp");
    Files.writeString(rsp, "-DFROM_RSP\n");
    Files.setPosixFilePermissions(rsp, PosixFilePermissions.fromString("rw-------"));
    Process p = new ProcessBuilder("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
        "curl", "-s", "--unix-socket", socket.toString(), "--data-binary", "@-", "http://localhost/local/compile")
        .redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(Frames.builder().add("cwd", dir.toString()).add("tool", "gcc").add("compiler", GCC.toString())
          .addAll("arg", java.util.List.of("-c", "a.c", "-o", "a.o", "@" + rsp)).build().getBytes());
    }
    Frames d = Frames.parse(io.vertx.core.buffer.Buffer.buffer(p.getInputStream().readAllBytes()));
    p.waitFor();
    assertEquals("local", d.text("action"));
    assertEquals("response-file", d.text("reason"));
    assertTrue(d.texts("arg").isEmpty());
  }

  @Test
  void malformedQueriesAndUnknownPathsGetAReason() throws Exception {
    try (LocalClient c = new LocalClient(socket)) {
      assertRefused(400, "malformed query string", c.call("GET", "/local/stats?format=%zz", io.vertx.core.buffer.Buffer.buffer()));
      assertRefused(404, "unknown path", c.call("GET", "/local/nothing", io.vertx.core.buffer.Buffer.buffer()));
      assertRefused(400, "malformed", c.call("POST", "/local/compile", io.vertx.core.buffer.Buffer.buffer("garbage")));
      assertEquals(200, c.call("GET", "/local/stats", io.vertx.core.buffer.Buffer.buffer()).status());
    }
  }

  @Test
  void anOversizeBodyIsRefusedBeforeItIsSent() throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      // Only the head: the answer must come without the 200 MB ever being sent.
      ch.write(ByteBuffer.wrap(("POST /local/compile HTTP/1.1\r\nHost: x\r\nContent-Length: " + (200 << 20) + "\r\n\r\nversion 1\n1")
          .getBytes(StandardCharsets.ISO_8859_1)));
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (ch.read(buf) >= 0 && !new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1).contains("bytes")) {
        Thread.onSpinWait();
      }
      String answer = new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 413") && answer.contains("larger than 1048576 bytes"), answer);
    }
  }

  @Test
  void aSecondDaemonOnTheSameSocketSaysWhichSocketAndSetting() throws Exception {
    Vertx other = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    try {
      JsonObject daemon = new JsonObject().put("token", "t").put("host", "test").put("localSocket", socket.toString());
      Throwable t = other.deployVerticle(new LocalApiVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon)))
          .toCompletionStage().toCompletableFuture().handle((id, e) -> e).get(60, TimeUnit.SECONDS);
      assertTrue(t != null, "the second daemon must not start");
      String message = t instanceof java.util.concurrent.CompletionException ? t.getCause().getMessage() : t.getMessage();
      assertEquals("local API (wrappers' socket) cannot listen on " + socket + ": address already in use"
          + " (another vxcc-node running? stop it, or set daemon.localSocket to another value)", message);
      try (LocalClient c = new LocalClient(socket)) {
        assertEquals(200, compile(c).status(), "the first daemon still serves");
      }
    } finally {
      other.close().await(30, TimeUnit.SECONDS);
    }
  }
}
