package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.CacheGetRequest;
import dev.vxcc.api.v1.CachePutRequest;
import dev.vxcc.api.v1.CacheStatsRequest;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.ServantGrpcClient;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.KeepAliveReply;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.net.ClusterCa;
import dev.vxcc.common.net.NodeTls;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8's attacks against real node JVMs on a mutual-TLS loopback cluster (scheduler + cache,
 * a building daemon, a serving daemon), then a real compile and each node's RSS.
 *
 * <p>The attacker knows the cluster name and holds a user token. With a certificate of the
 * cluster CA it learns the serving token as any delegate does and tries to run commands on the
 * servant, to blow up its memory and the cache's, to write the cache and to hold others' grants.
 * Without a certificate, or with a foreign CA's, it reaches nothing. On the daemon's machine it
 * tries the local API. ClusterTlsTest (modules/node) covers the same refusals for in-process members.
 */
// Only the last test needs its place (it measures the nodes after every attack); the others share
// nothing but the cluster.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileSuiteTest {
  /**
   * Bound on each node's resident set after the suite, with nodes at -Xmx512m: the heap cannot
   * pass 512 MiB; Netty's direct buffers are capped at the heap size by default (gRPC messages are
   * bounded before they are buffered: servant 64 MiB, cache cache.maxEntryBytes + 1 MiB = 65 MiB, and a
   * put without a servant token in its metadata is refused before its value is read); the rest
   * is metaspace, code cache and thread stacks, about 150 MiB. Measured: see bench/README.md.
   */
  static final long RSS_BOUND_KIB = 1L << 20;
  static final String DAEMON_TOKEN = "daemon-token";
  static final String USER_TOKEN = "user-only-token";
  static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(5_000);

  static LoopbackCluster cluster;
  static NodeProcess scheduler;
  static NodeProcess victim;
  static NodeProcess servant;
  static Attacker member;
  static Path work;
  static Path symlinks;
  static Path canary;

  @BeforeAll
  static void startCluster() throws Exception {
    work = E2e.work("hostile");
    symlinks = E2e.symlinks(work);
    // A place the unprivileged compiler user could write, so a shell that ran would leave the canary.
    Path world = Files.createDirectories(work.resolve("world"));
    world.toFile().setWritable(true, false);
    canary = world.resolve("canary");
    // Slots 3 and 4 are for the attacker's own Hazelcast members.
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 5);
    // The default byte bounds (cache.maxEntryBytes, daemon.localMaxRequestBytes: 64 MiB each) are
    // what is under test: an earlier 256 MiB default let one wrong-token put OOM a -Xmx512m cache.
    scheduler = cluster.start("scheduler,cache", tokens(LoopbackCluster.cacheConfig(work.resolve("cache"), 64L << 20)));
    victim = cluster.start("daemon", tokens(LoopbackCluster.config("victim", 0)));
    servant = cluster.start("daemon", tokens(LoopbackCluster.config("servant", 1)));
    E2e.awaitServantAt(victim.localApi(), servant.info("serving"));
    member = Attacker.joining(E2e.dist().resolve("conf/cluster.xml"), cluster.hazelcastPort(3), cluster.members(), cluster.name(),
        NodeTls.fromConfig(cluster.issueTls("attacker")));
  }

  /** Daemons' token may do everything; the attacker's only what a user may. */
  static JsonObject tokens(JsonObject config) {
    List<String> users = List.of(DAEMON_TOKEN, USER_TOKEN);
    config.getJsonObject("scheduler").put("userTokens", users).put("servantTokens", List.of(DAEMON_TOKEN));
    config.getJsonObject("cache").put("userTokens", users).put("servantTokens", List.of(DAEMON_TOKEN));
    config.getJsonObject("daemon").put("token", DAEMON_TOKEN);
    return config;
  }

  @AfterAll
  static void stop() throws Exception {
    if (member != null) {
      member.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The tests share one cluster: a node an earlier test killed is reported as such. */
  @BeforeEach
  void everyNodeStillRuns() {
    E2e.assertEveryNodeRuns(cluster);
  }

  static ClusterView view(Attacker a) throws Exception {
    return ClusterView.fromJson(Attacker.await(a.vertx.eventBus().<JsonObject>request(Addresses.SCHEDULER_VIEW,
        new JsonObject().put("token", USER_TOKEN), SHORT)).body());
  }

  static String gccDigest() throws Exception {
    return new dev.vxcc.daemon.identity.CompilerIdentity(new dev.vxcc.common.util.FileDigestCache()).identity(Path.of("/usr/bin/gcc"));
  }

  static QueueTaskRequest.Builder task(String servingToken, String source, String... args) throws Exception {
    return QueueTaskRequest.newBuilder().setToken(servingToken).setCompilerDigest(gccDigest()).setTaskDigest("c".repeat(64))
        .addAllArgs(List.of(args)).setDisallowCacheFill(true)
        .setSourceZstd(ByteString.copyFrom(Zstd.compress(source.getBytes(StandardCharsets.UTF_8))));
  }

  static QueueTaskRequest.Builder fileTask(String servingToken, String source, String inputPath) throws Exception {
    return task(servingToken, source, "-c", "-O0").setInputMode(InputMode.INPUT_MODE_FILE_AS_SOURCE)
        .setInputPath(inputPath).setClientCwd("/home/u/proj");
  }

  /** The gRPC status a call failed with (or the transport failure, for a refused connection). */
  static Throwable failure(Future<?> call) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> Attacker.await(call));
    return e.getCause();
  }

  static void assertStatus(GrpcStatus expected, Future<?> call, String what) {
    Throwable t = failure(call);
    assertInstanceOf(InvalidStatusException.class, t, what + ": " + t);
    assertEquals(expected, ((InvalidStatusException) t).actualStatus(), what);
  }

  static WaitTaskResponse waitFor(ServantGrpcClient s, String token, long id) throws Exception {
    while (true) {
      WaitTaskResponse r = Attacker.await(s.waitTask(WaitTaskRequest.newBuilder().setToken(token).setTaskId(id).setWaitMs(5_000).build()));
      if (r.getStatus() != TaskStatus.TASK_STATUS_RUNNING) {
        return r;
      }
    }
  }

  @Test
  @Order(1)
  void aMemberWithAUserTokenCannotRunCommandsOnTheServant() throws Exception {
    String token = view(member).servingToken();
    assertFalse(token.isEmpty(), "a user token gets the serving token, as every delegate needs it");
    ServantGrpcClient s = member.servant(servant.info("serving"));

    // gcc reading /etc/passwd as a response file, its contents coming back in stderr.
    assertStatus(GrpcStatus.INVALID_ARGUMENT, s.queueTask(fileTask(token, "int x;\n", "@/etc/passwd").build()), "@/etc/passwd as input");
    // Two steps: plant "-wrapper /bin/sh,-c,..." as a source, then name it as a response file.
    String body = "-wrapper /bin/sh,-c,id>" + canary + "\n";
    long planted = Attacker.await(s.queueTask(fileTask(token, body, "evil.c").build())).getTaskId();
    assertNotEquals(0, waitFor(s, token, planted).getExitCode(), "the planted text is a bad C file");
    for (String input : List.of("@evil.c", "-wrapper", "src/@evil.c")) {
      assertStatus(GrpcStatus.INVALID_ARGUMENT, s.queueTask(fileTask(token, "int x;\n", input).build()), input);
    }
    // A response file as an option's value.
    assertStatus(GrpcStatus.INVALID_ARGUMENT, s.queueTask(task(token, "int x;\n", "-c", "-x", "c", "-D", "@/etc/passwd").build()), "-D @file");
    assertFalse(Files.exists(canary), "no shell ran on the servant");
  }

  @Test
  @Order(2)
  void memoryBombsAtTheServantAreRefusedBeforeTheyCost() throws Exception {
    String token = view(member).servingToken();
    ServantGrpcClient s = member.servant(servant.info("serving"));
    byte[] bomb = Attacker.zstdBomb((1L << 30) - 1);
    assertTrue(bomb.length < 40_000, "the bomb is small: " + bomb.length);
    QueueTaskRequest.Builder bombTask = task(token, "", "-c", "-x", "c", "-fpreprocessed").setSourceZstd(ByteString.copyFrom(bomb));
    assertStatus(GrpcStatus.INVALID_ARGUMENT, s.queueTask(bombTask.build()), "a 32 KB frame declaring 1 GiB - 1");
    // Hundreds of MB in one message: cut off at the servant's message bound, never buffered whole.
    ByteString huge = ByteString.copyFrom(new byte[300 << 20]);
    for (int i = 0; i < 3; i++) {
      failure(s.queueTask(task(token, "", "-c").setSourceZstd(huge).build()));
    }
    assertTrue(servant.alive());
  }

  @Test
  @Order(3)
  void onlyServantTokensWriteTheCacheAndHugePutsAreCutOff() throws Exception {
    var cache = member.cache(scheduler.info("cache"));
    String key = "a".repeat(64);
    ByteString small = ByteString.copyFromUtf8("poisoned object");
    for (String token : List.of("wrong-token", USER_TOKEN)) {
      assertStatus(GrpcStatus.PERMISSION_DENIED, cache.put(CachePutRequest.newBuilder().setToken(token).setKey(key).setValue(small).build()),
          "a small put with " + token);
    }
    ByteString big = ByteString.copyFrom(new byte[250 << 20]);
    for (int i = 0; i < 10; i++) {
      for (String token : List.of("wrong-token", USER_TOKEN)) {
        failure(cache.put(CachePutRequest.newBuilder().setToken(token).setKey(key).setValue(big).build()));
      }
    }
    assertFalse(Attacker.await(cache.get(CacheGetRequest.newBuilder().setToken(USER_TOKEN).setKey(key).build())).getFound(),
        "nothing was written");
  }

  @Test
  @Order(4)
  void withoutAClusterCertificateNothingAnswers() throws Exception {
    String servingToken = view(member).servingToken();
    ClusterCa foreign = ClusterCa.create("attacker CA", Duration.ofDays(1));
    ClusterCa.NodeCert cert = foreign.issue("attacker", List.of("127.0.0.1"), Duration.ofDays(1));
    NodeTls foreignTls = NodeTls.fromConfig(new JsonObject().put("ca", foreign.certPem()).put("cert", cert.certPem()).put("key", cert.keyPem()));
    int slot = 4;
    for (NodeTls tls : List.of(NodeTls.insecure(), foreignTls)) {
      try (Attacker outsider = Attacker.outsider(tls)) {
        failure(outsider.servant(servant.info("serving")).queueTask(task(servingToken, "int x;\n", "-c", "-x", "c").build()));
        failure(outsider.cache(scheduler.info("cache")).stats(CacheStatsRequest.newBuilder().setToken(USER_TOKEN).build()));
      }
      // A foreign JVM that joins Hazelcast, knowing only the cluster name, gets no view (nor the serving token in it).
      try (Attacker joined = Attacker.joining(E2e.dist().resolve("conf/cluster.xml"), cluster.hazelcastPort(slot), cluster.members(),
          cluster.name(), tls)) {
        assertThrows(ExecutionException.class, () -> view(joined), "view for a " + tls + " member");
      }
    }
  }

  @Test
  @Order(5)
  void aLocalProcessGetsReasonsNotAccess() throws Exception {
    Path socket = Path.of(victim.localApi().replaceFirst("^unix:", ""));
    // 200 MB announced: refused from the header (past daemon.localMaxRequestBytes), before any of it is read.
    assertEquals(413, LocalHttp.send(socket, "POST", "/local/compile", 200L << 20, "version 1\n1".getBytes(StandardCharsets.US_ASCII)).status());
    assertEquals(400, LocalHttp.call(socket, "GET", "/local/stats?format=%zz", io.vertx.core.buffer.Buffer.buffer()).status());
    LocalHttp.Reply hog = LocalHttp.call(socket, "POST", "/local/acquire", Frames.builder().add("pid", 1).add("kind", "heavy").build());
    assertEquals(403, hog.status(), hog.text());

    // This JVM opens a task; another process (curl) tries to submit into it and to wait for it.
    Path dir = Files.createDirectories(work.resolve("local"));
    Files.writeString(dir.resolve("a.c"), "int a;\n");
    LocalHttp.Reply opened = LocalHttp.call(socket, "POST", "/local/compile", Frames.builder().add("version", 1)
        .add("pid", ProcessHandle.current().pid()).add("cwd", dir.toString()).add("tool", "gcc").add("compiler", "/usr/bin/gcc")
        .addAll("arg", List.of("-c", "a.c", "-o", "a.o")).build());
    assertEquals(200, opened.status(), opened.text());
    String taskId = Frames.parse(io.vertx.core.buffer.Buffer.buffer(opened.text())).text("task");
    Files.write(dir.resolve("submit"), Frames.builder().add("task", taskId).add("exit", 0).add("stderr", "").add("stdout", "int planted;\n")
        .build().getBytes());
    Files.write(dir.resolve("wait"), Frames.builder().add("task", taskId).build().getBytes());
    for (String what : List.of("submit", "wait")) {
      Commands.Result r = Commands.run(dir, Map.of(), 60, List.of("curl", "-s", "--unix-socket", socket.toString(), "--data-binary",
          "@" + dir.resolve(what), "-w", "\n%{http_code}", "http://localhost/local/" + what));
      String status = r.stdout().substring(r.stdout().lastIndexOf('\n') + 1);
      assertEquals("403", status, what + " of another process's task: " + r.stdout());
    }
  }

  @Test
  @Order(6)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void afterTheAttacksBuildsStillGoRemoteAndEveryNodeStaysSmall() throws Exception {
    // Meanwhile the attacker keeps every grant id it can think of alive, over and over.
    List<Long> ids = LongStream.rangeClosed(0, 2_000).boxed().toList();
    AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());
    AtomicInteger renewed = new AtomicInteger();
    long keepAlive = member.vertx.setPeriodic(100, t -> member.vertx.eventBus().<JsonObject>request(Addresses.SCHEDULER_KEEP_ALIVE,
        new KeepAliveRequest(USER_TOKEN, ids, 600_000, "attacker").toJson()).onComplete(ar -> {
          // Either answered (renewing nothing) or refused outright.
          if (ar.succeeded()) {
            renewed.addAndGet((int) KeepAliveReply.fromJson(ar.result().body()).alive().stream().filter(a -> a).count());
          }
          next.get().complete(null);
        }));
    try {
      Path dir = Files.createDirectories(work.resolve("final"));
      Files.writeString(dir.resolve("f.cc"), "#include <vector>\nint f(int n) { std::vector<int> v(n, 1); int s = 0; for (int x : v) s += x; return s; }\n");
      Commands.run(dir, Map.of(), 120, List.of("/usr/bin/g++", "-O2", "-c", "f.cc", "-o", "local.o")).orFail("local compile");
      long remoteBefore = E2e.stats(victim.localApi()).getLong("remote");
      Map<String, String> env = E2e.env(symlinks, victim.localApi());
      env.put("VXCC_CACHE_CONTROL", "0");
      for (int i = 0; i < 2; i++) {
        Commands.run(dir, env, 120, E2e.onPath("g++", "-O2", "-c", "f.cc", "-o", "vxcc" + i + ".o")).orFail("compile through vxcc");
        assertArrayEquals(Files.readAllBytes(dir.resolve("local.o")), Files.readAllBytes(dir.resolve("vxcc" + i + ".o")));
      }
      JsonObject stats = E2e.stats(victim.localApi());
      assertEquals(remoteBefore + 2, stats.getLong("remote"), "both compiles went remote: " + stats.encodePrettily());
      // Wait for the outcome of one more keep-alive, so the count below covers the whole compile.
      CompletableFuture<Void> another = new CompletableFuture<>();
      next.set(another);
      another.get(60, TimeUnit.SECONDS);
      assertEquals(0, renewed.get(), "grants renewed for a holder that does not own them");
    } finally {
      member.vertx.cancelTimer(keepAlive);
    }
    StringBuilder over = new StringBuilder();
    for (NodeProcess n : cluster.nodes()) {
      long rss = rssKib(n.pid());
      // Grepped by bench/hostile.sh.
      System.out.println("hostile-rss node=" + n.log().getFileName() + " pid=" + n.pid() + " rss_kib=" + rss + " bound_kib=" + RSS_BOUND_KIB);
      if (rss > RSS_BOUND_KIB) {
        over.append(n.log().getFileName()).append(": ").append(rss).append(" KiB\n");
      }
    }
    assertEquals("", over.toString(), "nodes over the RSS bound of " + RSS_BOUND_KIB + " KiB");
  }

  static long rssKib(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError("no VmRSS for pid " + pid);
  }
}
