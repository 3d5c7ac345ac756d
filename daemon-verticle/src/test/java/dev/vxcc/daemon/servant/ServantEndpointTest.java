package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.testkit.Toolchains;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attacks of issue 8 against a servant, through the real endpoint and engine and (where the
 * machine has one) the real gcc: each must be refused, leave no trace and reveal nothing.
 */
class ServantEndpointTest {
  private static final String TOKEN = "serving-token";
  private static final String GCC = "a".repeat(64);
  private static final String FAKE = "b".repeat(64);
  private static final String TASK = "c".repeat(64);
  private static final Path REAL_GCC = Path.of("/usr/bin/gcc");

  @TempDir
  Path tmp;
  private Vertx vertx;
  private Context loop;
  private Path world;
  private Path jobRoot;
  private Path canary;
  private Path fakeCompiler;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    // Reachable by the unprivileged user compilers run as when the tests run as root (CI).
    world = Files.createDirectory(tmp.resolve("world"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(world, PosixFilePermissions.fromString("rwxrwxrwx"));
    jobRoot = JobRoot.create(world);
    canary = world.resolve("canary");
    fakeCompiler = world.resolve("fakecc");
    Files.writeString(fakeCompiler, """
        #!/bin/sh
        for a; do out=$a; done
        echo "uid=$(id -u) core=$(ulimit -c) cpu=$(ulimit -t) cwd=$(pwd) tmp=$TMPDIR home=$HOME"
        printf obj > "$out"
        """);
    Files.setPosixFilePermissions(fakeCompiler, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static ServantLimits limits(long maxSource, long inFlight) {
    return ServantLimits.fromJson(new JsonObject().put("servantMaxSourceBytes", maxSource).put("servantInFlightBytes", inFlight)
        .put("servantCpuSeconds", 60), 60_000);
  }

  private ServantEndpoint endpoint(ServantLimits limits) {
    ExecutionEngine engine = new ExecutionEngine(vertx, jobRoot, 4, () -> 0, 0, 60_000, InstantSource.system(),
        Sandbox.resolve(limits), limits);
    Map<String, Path> compilers = Map.of(GCC, REAL_GCC, FAKE, fakeCompiler);
    return new ServantEndpoint(vertx, engine, d -> Optional.ofNullable(compilers.get(d)), () -> Set.of(TOKEN));
  }

  private <T> T onLoop(Supplier<Future<T>> call) throws Exception {
    Promise<T> p = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(p));
    return p.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Queues and waits for the result; a refusal comes back as the gRPC status exception. */
  private WaitTaskResponse run(ServantEndpoint e, QueueTaskRequest req) throws Exception {
    long id = onLoop(() -> e.queueTask(req)).getTaskId();
    while (true) {
      WaitTaskResponse r = onLoop(() -> e.waitTask(WaitTaskRequest.newBuilder().setToken(TOKEN).setTaskId(id).setWaitMs(5_000).build()));
      if (r.getStatus() != TaskStatus.TASK_STATUS_RUNNING) {
        return r;
      }
    }
  }

  private StatusException refusal(ServantEndpoint e, QueueTaskRequest req) {
    ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> onLoop(() -> e.queueTask(req)));
    return assertInstanceOf(StatusException.class, ex.getCause());
  }

  private static QueueTaskRequest.Builder task(String compiler, String source, String... args) {
    return QueueTaskRequest.newBuilder()
        .setToken(TOKEN)
        .setCompilerDigest(compiler)
        .setTaskDigest(TASK)
        .addAllArgs(List.of(args))
        .setSourceZstd(ByteString.copyFrom(Zstd.compress(source.getBytes(StandardCharsets.UTF_8))))
        .setDisallowCacheFill(true);
  }

  private static QueueTaskRequest.Builder fileTask(String source, String inputPath) {
    return task(GCC, source, "-c", "-O0").setInputMode(InputMode.INPUT_MODE_FILE_AS_SOURCE)
        .setInputPath(inputPath).setClientCwd("/home/u/proj");
  }

  private static String text(ByteString zstd) {
    return new String(Zstd.decompress(zstd.toByteArray()), StandardCharsets.UTF_8);
  }

  private long jobDirs() throws Exception {
    try (Stream<Path> s = Files.list(jobRoot)) {
      return s.filter(p -> p.getFileName().toString().startsWith("job-")).count();
    }
  }

  @Test
  void gccReadingAResponseFileAsTheInputIsRefused() throws Exception {
    Toolchains.require(Files.isExecutable(REAL_GCC), REAL_GCC.toString());
    StatusException e = refusal(endpoint(limits(1 << 20, 1 << 30)), fileTask("int x;\n", "@/etc/passwd").build());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
    assertFalse(e.message().contains("root:"), e.message());
    assertTrue(e.message().contains("'@'"), e.message());
    assertEquals(0, jobDirs(), "nothing was written");
  }

  @Test
  void theTwoStepWrapperAttackRunsNoShell() throws Exception {
    Toolchains.require(Files.isExecutable(REAL_GCC), REAL_GCC.toString());
    ServantEndpoint e = endpoint(limits(1 << 20, 1 << 30));
    // Step 1 plants a response file body as an ordinary source; it is compiled as C and fails.
    String body = "-wrapper /bin/sh,-c,id>" + canary + "\n";
    WaitTaskResponse first = run(e, fileTask(body, "evil.c").build());
    assertNotEquals(0, first.getExitCode());
    // Step 2 names it as a response file, in every spelling gcc would take as an option.
    for (String input : List.of("@evil.c", "@" + jobRoot + "/evil.c", "-wrapper", "--wrapper=/bin/sh", "src/@evil.c", "-", "@")) {
      StatusException refused = refusal(e, fileTask("int x;\n", input).build());
      assertEquals(GrpcStatus.INVALID_ARGUMENT, refused.status(), input);
    }
    // The same text on stdin is just a bad C file too.
    WaitTaskResponse stdin = run(e, task(GCC, body, "-c", "-x", "c").build());
    assertNotEquals(0, stdin.getExitCode());
    assertFalse(Files.exists(canary), "no shell ran");
  }

  @Test
  void includingServantFilesIsRefusedInBothModes() throws Exception {
    Toolchains.require(Files.isExecutable(REAL_GCC), REAL_GCC.toString());
    ServantEndpoint e = endpoint(limits(1 << 20, 1 << 30));
    String source = "# 1 \"a.c\"\n#include \"/etc/passwd\"\nint x;\n";
    for (QueueTaskRequest req : List.of(fileTask(source, "a.c").build(),
        task(GCC, source, "-c", "-x", "c", "-fpreprocessed", "-fdirectives-only").build())) {
      StatusException refused = refusal(e, req);
      assertEquals(GrpcStatus.INVALID_ARGUMENT, refused.status());
      assertTrue(refused.message().contains("#include"), refused.message());
    }
    assertEquals(0, jobDirs());
  }

  @Test
  void aNormalFileAsSourceCompileWorksAndNamesOnlyClientPaths() throws Exception {
    Toolchains.require(Files.isExecutable(REAL_GCC), REAL_GCC.toString());
    ServantEndpoint e = endpoint(limits(1 << 20, 1 << 30));
    WaitTaskResponse ok = run(e, fileTask("int answer(void) { return 42; }\n", "src/a.c").build());
    assertEquals(0, ok.getExitCode(), text(ok.getStderrZstd()));
    assertEquals(".o", ok.getFiles(0).getSuffix());
    WaitTaskResponse bad = run(e, fileTask("int f(void) { return ; }\n#warning here\n", "/abs/dir/b.c").build());
    String err = text(bad.getStderrZstd()) + text(bad.getStdoutZstd());
    assertTrue(err.contains("/abs/dir/b.c:2"), err);
    assertFalse(err.contains(jobRoot.toString()), err);
    assertFalse(err.contains(tmp.toString()), err);
    assertFalse(err.contains(Long.toString(ProcessHandle.current().pid())), err);
  }

  @Test
  void compilersRunConfinedInAPrivateTempDirAndTheirOutputHidesIt() throws Exception {
    ServantLimits l = limits(1 << 20, 1 << 30);
    WaitTaskResponse r = run(endpoint(l), task(FAKE, "int x;\n", "-c", "-x", "c").build());
    String out = text(r.getStdoutZstd());
    assertEquals(0, r.getExitCode(), out + text(r.getStderrZstd()));
    assertTrue(out.contains("core=0"), out);
    assertTrue(out.contains("cpu=60"), out);
    if (Sandbox.daemonUid() == 0) {
      assertFalse(out.contains("uid=0 "), "a root daemon runs compilers as " + l.user() + ": " + out);
    }
    assertTrue(out.contains("cwd=" + CompileJob.JOB_PLACEHOLDER + "/out"), out);
    assertTrue(out.contains("tmp=" + CompileJob.JOB_PLACEHOLDER + "/tmp"), out);
    assertTrue(out.contains("home=" + CompileJob.JOB_PLACEHOLDER + "/tmp"), out);
    assertFalse(out.contains(world.toString()), out);
    assertEquals("obj", new String(Zstd.decompress(r.getFiles(0).getDataZstd().toByteArray()), StandardCharsets.US_ASCII));
  }

  @Test
  void jobDirectoriesHaveUnguessableNames() throws Exception {
    ServantLimits l = limits(1 << 20, 1 << 30);
    Files.writeString(fakeCompiler, """
        #!/bin/sh
        for a; do out=$a; done
        basename "$(dirname "$(pwd)")" > "$out"
        """);
    ServantEndpoint e = endpoint(l);
    String a = new String(Zstd.decompress(run(e, task(FAKE, "", "-c").build()).getFiles(0).getDataZstd().toByteArray()), StandardCharsets.US_ASCII);
    String b = new String(Zstd.decompress(run(e, task(FAKE, "", "-c").build()).getFiles(0).getDataZstd().toByteArray()), StandardCharsets.US_ASCII);
    assertTrue(a.trim().matches("job-[0-9a-f]{32}"), a);
    assertNotEquals(a, b);
    assertFalse(a.contains(Long.toString(ProcessHandle.current().pid())), a);
  }

  @Test
  void aSourceBeyondTheBoundIsRefusedFromItsHeader() {
    StatusException e = refusal(endpoint(limits(1000, 1 << 30)), task(FAKE, "x".repeat(2000), "-c").build());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
  }

  @Test
  void tasksBeyondTheInFlightBudgetAreSentElsewhere() throws Exception {
    ServantEndpoint e = endpoint(limits(1 << 20, 3000));
    QueueTaskRequest req = task(FAKE, "x".repeat(2000), "-c").build();
    // Both in one event-loop turn: the first still holds its bytes when the second arrives.
    ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> onLoop(() -> {
          e.queueTask(req);
          return e.queueTask(req);
        }));
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, assertInstanceOf(StatusException.class, ex.getCause()).status());
    // Once the first is done its bytes are free again (ids count from 1).
    WaitTaskResponse first = onLoop(() -> e.waitTask(WaitTaskRequest.newBuilder().setToken(TOKEN).setTaskId(1).setWaitMs(10_000).build()));
    assertEquals(TaskStatus.TASK_STATUS_DONE, first.getStatus());
    assertEquals(0, run(e, req).getExitCode());
  }

  @Test
  void aSourceTooBigToCopyOnTheEventLoopIsCopiedOnAWorkerAndRuns() throws Exception {
    byte[] noise = new byte[3 << 19];
    new java.util.Random(1).nextBytes(noise);
    // Base64 of noise: text that compresses to more than the bound.
    String source = java.util.Base64.getEncoder().encodeToString(noise) + "\n";
    QueueTaskRequest req = task(FAKE, source, "-c").build();
    org.junit.jupiter.api.Assertions.assertTrue(req.getSourceZstd().size() > dev.vxcc.daemon.DaemonConstants.SERVANT_COPY_ON_LOOP_MAX_BYTES);
    WaitTaskResponse r = run(endpoint(limits(4 << 20, 1 << 30)), req);
    assertEquals(0, r.getExitCode(), text(r.getStderrZstd()));
    assertEquals("obj", new String(Zstd.decompress(r.getFiles(0).getDataZstd().toByteArray()), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"compiler_digest", "task_digest", "output_suffix", "source_date_epoch", "key_base_dir",
      "key_compiler_prefix", "source_path", "client_cwd_in_stdin_mode", "input_path", "client_cwd", "input_mode", "args",
      "side_output_suffixes"})
  void everyFieldIsChecked(String field) {
    QueueTaskRequest.Builder b = switch (field) {
      case "compiler_digest" -> task("../../bin/sh", "", "-c");
      case "task_digest" -> task(FAKE, "", "-c").setTaskDigest("x/../../y");
      case "output_suffix" -> task(FAKE, "", "-c").setOutputSuffix("/../../x");
      case "source_date_epoch" -> task(FAKE, "", "-c").setSourceDateEpoch("1;id");
      case "key_base_dir" -> task(FAKE, "", "-c").setKeyBaseDir("relative/dir");
      case "key_compiler_prefix" -> task(FAKE, "", "-c").setKeyCompilerPrefix("/usr\n/bin");
      case "source_path" -> task(FAKE, "", "-c").setSourcePath("a\0b");
      case "client_cwd_in_stdin_mode" -> task(FAKE, "", "-c").setClientCwd("/home/u");
      case "input_path" -> fileTask("", "../../../../../../../../../../etc/x.c");
      case "client_cwd" -> fileTask("", "a.c").setClientCwd("relative");
      case "input_mode" -> task(FAKE, "", "-c").setInputModeValue(7);
      case "args" -> task(FAKE, "", "-c", "@/etc/passwd");
      case "side_output_suffixes" -> task(FAKE, "", "-c").addSideOutputSuffixes("/../../x");
      default -> throw new IllegalArgumentException(field);
    };
    StatusException e = refusal(endpoint(limits(1 << 20, 1 << 30)), b.build());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status(), field);
  }
}
