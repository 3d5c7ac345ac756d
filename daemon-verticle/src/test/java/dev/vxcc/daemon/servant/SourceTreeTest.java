package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.Blob;
import dev.vxcc.api.v1.FindMissingBlobsRequest;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.api.v1.PutBlobsRequest;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.TreeFile;
import dev.vxcc.api.v1.WaitTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.args.MakeRule;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source mode through the real endpoint, engine, namespace and compilers: the user's argv runs on
 * the servant against the files the dependency list names, sent by content, and object, .d, .dwo,
 * stdout, stderr and exit code equal a local compile's. The project is moved away after the local
 * compile, so the remote one can only have read what was sent.
 */
class SourceTreeTest {
  private static final String TOKEN = "serving-token";
  private static final String GXX = "a".repeat(64);
  private static final String CLANGXX = "b".repeat(64);
  private static final String TASK = "c".repeat(64);
  private static final Map<String, Path> COMPILERS = Map.of(GXX, Path.of("/usr/bin/g++"), CLANGXX, Path.of("/usr/bin/clang++"));

  /** The locale the local compiles run with, sent along as the delegate does (SourceTreeFlowTest uses the process's own). */
  private static final List<String> LOCALE = List.of("LC_ALL=C");

  @TempDir
  Path tmp;
  private Vertx vertx;
  private Context loop;
  private Path root;
  private ServantEndpoint endpoint;
  private ExecutionEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path world = Files.createDirectory(tmp.resolve("world"));
    Files.setPosixFilePermissions(world, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path jobRoot = JobRoot.create(world);
    ServantLimits limits = ServantLimits.fromJson(new JsonObject().put("servantCpuSeconds", 120), 120_000);
    Sandbox sandbox = Sandbox.resolve(limits);
    engine = new ExecutionEngine(vertx, jobRoot, 4, () -> 0, 0, 120_000, InstantSource.system(), sandbox, limits);
    String why = SourceTreeProbe.unavailable(sandbox);
    Toolchains.require(why == null, "bwrap namespaces (" + why + ")");
    BlobStore blobs = new BlobStore(jobRoot.resolve("blobs"), 64L << 20);
    engine.enableSourceTree(blobs, new FileDigestCache());
    endpoint = new ServantEndpoint(vertx, engine, d -> Optional.ofNullable(COMPILERS.get(d)), () -> Set.of(TOKEN))
        .withBlobs(blobs, 16L << 20);
    root = tmp.resolve("home/u/proj");
    Files.createDirectories(root.resolve("include/util"));
    Files.createDirectories(root.resolve("src"));
    Files.createDirectories(root.resolve("build/obj"));
    Files.writeString(root.resolve("include/util/util.h"), """
        #pragma once
        #include <cstdio>
        #define UTIL_SCALE 3
        namespace { struct Hidden { int v; }; }
        int scale(int x);
        """);
    Files.writeString(root.resolve("src/util.cc"), """
        #include "util/util.h"
        int scale(int x) { Hidden h{x}; std::printf("%s %d\\n", __FILE__, __LINE__); return h.v * UTIL_SCALE; }
        """);
    Files.writeString(root.resolve("src/warn.cc"), """
        #include "util/util.h"
        int warned(int x) {
          if (x > 2) return scale(x);
        }
        """);
    Files.writeString(root.resolve("src/broken.cc"), """
        #include "util/util.h"
        int broken() { return undeclared_thing + UTIL_SCALE; }
        """);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private <T> T onLoop(Supplier<Future<T>> call) throws Exception {
    Promise<T> p = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(p));
    return p.future().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private WaitTaskResponse run(QueueTaskRequest req) throws Exception {
    long id = onLoop(() -> endpoint.queueTask(req)).getTaskId();
    while (true) {
      WaitTaskResponse r = onLoop(() -> endpoint.waitTask(WaitTaskRequest.newBuilder().setToken(TOKEN).setTaskId(id).setWaitMs(5_000).build()));
      if (r.getStatus() != TaskStatus.TASK_STATUS_RUNNING) {
        return r;
      }
    }
  }

  /** What one compile printed and wrote. */
  record Result(int exit, String stdout, String stderr, Map<String, byte[]> files) {}

  private Result local(Path compiler, List<String> argv, List<String> outputs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(compiler.toString()));
    cmd.addAll(argv);
    Path out = tmp.resolve("local.out");
    Path err = tmp.resolve("local.err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.resolve("build").toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("LC_ALL", "C");
    pb.environment().remove("DEPENDENCIES_OUTPUT");
    pb.environment().remove("SUNPRO_DEPENDENCIES");
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String o : outputs) {
      if (Files.exists(Path.of(o))) {
        files.put(o, Files.readAllBytes(Path.of(o)));
        Files.delete(Path.of(o));
      }
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err), files);
  }

  /** The delegate's part: the dependency-only run of the user's preprocessor flags, then every file by digest. */
  private List<TreeFile> deps(Path compiler, List<String> argv) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(compiler.toString()));
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("-o") || a.equals("-MF")) {
        i++;
      } else if (!a.equals("-MD") && !a.equals("-c") && !a.startsWith("-gsplit")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-M", "-MF", "/dev/stdout"));
    Process p = new ProcessBuilder(cmd).directory(root.resolve("build").toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String rule = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    Set<String> paths = new TreeSet<>();
    for (String d : MakeRule.prerequisites(rule)) {
      paths.add(root.resolve("build").resolve(d).normalize().toString());
    }
    List<TreeFile> files = new ArrayList<>();
    List<Blob> upload = new ArrayList<>();
    for (String path : paths) {
      byte[] data = Files.readAllBytes(Path.of(path));
      String digest = Digests.hex(data);
      files.add(TreeFile.newBuilder().setPath(path).setDigest(digest).build());
      if (!path.startsWith("/usr/")) {
        upload.add(Blob.newBuilder().setDigest(digest).setDataZstd(ByteString.copyFrom(Zstd.compress(data))).build());
      }
    }
    List<String> missing = onLoop(() -> endpoint.findMissingBlobs(FindMissingBlobsRequest.newBuilder().setToken(TOKEN)
        .addAllDigests(upload.stream().map(Blob::getDigest).toList()).build())).getMissingList();
    onLoop(() -> endpoint.putBlobs(PutBlobsRequest.newBuilder().setToken(TOKEN)
        .addAllBlobs(upload.stream().filter(b -> missing.contains(b.getDigest())).toList()).build()));
    return files;
  }

  private static QueueTaskRequest task(String compiler, List<String> argv, String cwd, List<TreeFile> files, List<String> outputs) {
    return QueueTaskRequest.newBuilder().setToken(TOKEN).setCompilerDigest(compiler).setTaskDigest(TASK)
        .setInputMode(InputMode.INPUT_MODE_SOURCE_TREE).setDisallowCacheFill(true)
        .addAllTreeArgv(argv).setTreeCwd(cwd).addAllTreeFiles(files).addAllTreeOutputs(outputs).addAllTreeEnv(LOCALE).build();
  }

  private static Result remote(WaitTaskResponse r) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (OutputFile f : r.getFilesList()) {
      files.put(f.getSuffix(), Zstd.decompress(f.getDataZstd().toByteArray()));
    }
    return new Result(r.getExitCode(), new String(Zstd.decompress(r.getStdoutZstd().toByteArray()), StandardCharsets.UTF_8),
        new String(Zstd.decompress(r.getStderrZstd().toByteArray()), StandardCharsets.UTF_8), files);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "g++|-g -O2 -ffile-prefix-map=ROOT=. -fstack-protector-strong -Wformat -Werror=format-security -Wdate-time -D_FORTIFY_SOURCE=2",
      "g++|-O2 -g -fdebug-prefix-map=ROOT=.",
      "g++|-g -O2 -Wall -Wextra -Wpedantic",
      "g++|-g3 -O2",
      "clang++|-g3 -O2",
      "clang++|-g -O2",
      "clang++|-g -O2 -gdwarf-4",
      "clang++|-g -O2 -gsplit-dwarf",
      "clang++|-g -O2 -gsplit-dwarf -gdwarf-4",
      "g++|-g -O2 -gsplit-dwarf",
      "g++|-g -O2 -gsplit-dwarf -gdwarf-4",
      "clang++|-O2 -g -fdebug-prefix-map=ROOT=."})
  void remoteCompileEqualsLocal(String row) throws Exception {
    String name = row.substring(0, row.indexOf('|'));
    String compilerDigest = name.equals("g++") ? GXX : CLANGXX;
    Path compiler = COMPILERS.get(compilerDigest);
    Toolchains.require(Files.isExecutable(compiler), compiler.toString());
    List<String> flags = List.of(row.substring(row.indexOf('|') + 1).replace("ROOT", root.toString()).split(" "));
    String build = root.resolve("build").toString();
    Map<String, List<String>> argvs = new LinkedHashMap<>();
    Map<String, List<String>> outs = new LinkedHashMap<>();
    Map<String, Result> locals = new LinkedHashMap<>();
    Map<String, Result> again = new LinkedHashMap<>();
    boolean gccSplit = name.equals("g++") && flags.contains("-gsplit-dwarf");
    for (String unit : List.of("util", "warn", "broken")) {
      List<String> argv = new ArrayList<>(flags);
      // As CMake passes them: absolute include directory and source, object below the build directory.
      argv.addAll(List.of("-I" + root.resolve("include"), "-MD", "-MF", "obj/" + unit + ".d", "-o", "obj/" + unit + ".o",
          "-c", root.resolve("src/" + unit + ".cc").toString()));
      List<String> outputs = new ArrayList<>(List.of(build + "/obj/" + unit + ".o", build + "/obj/" + unit + ".d"));
      if (flags.contains("-gsplit-dwarf")) {
        outputs.add(build + "/obj/" + unit + ".dwo");
      }
      argvs.put(unit, argv);
      outs.put(unit, outputs);
    }
    Map<String, List<TreeFile>> files = new LinkedHashMap<>();
    for (String unit : argvs.keySet()) {
      files.put(unit, deps(compiler, argvs.get(unit)));
      locals.put(unit, local(compiler, argvs.get(unit), outs.get(unit)));
      if (gccSplit) {
        again.put(unit, local(compiler, argvs.get(unit), outs.get(unit)));
      }
    }
    assertEquals(0, locals.get("util").exit());
    assertTrue(locals.get("warn").stderr().contains("warning"), locals.get("warn").stderr());
    assertTrue(locals.get("warn").stderr().contains("^"), "the warning shows a snippet with a caret");
    assertNotEquals(0, locals.get("broken").exit());
    // Only what was sent exists for the remote compile.
    Path away = Files.move(root, tmp.resolve("moved-away"));
    try {
      for (String unit : argvs.keySet()) {
        Result remote = remote(run(task(compilerDigest, argvs.get(unit), build, files.get(unit), outs.get(unit))));
        Result local = locals.get(unit);
        assertEquals(local.exit(), remote.exit(), unit + ": " + remote.stderr());
        assertEquals(local.stderr(), remote.stderr(), unit);
        assertEquals(local.stdout(), remote.stdout(), unit);
        assertEquals(local.files().keySet(), remote.files().keySet(), unit);
        for (String f : local.files().keySet()) {
          byte[] l = local.files().get(f);
          byte[] r = remote.files().get(f);
          if (gccSplit && !Arrays.equals(l, r)) {
            onlyTheDwoIdDiffers(l, again.get(unit).files().get(f), r, unit + ": " + f);
          } else {
            assertArrayEquals(l, r, unit + ": " + f + " differs");
          }
        }
      }
    } finally {
      Files.move(away, root);
    }
  }

  /**
   * gcc 12 draws the DWO id (8 bytes, in the skeleton and in the .dwo) afresh on every run for some
   * C++ TUs, measured on a function that falls off its end at -O1 and up (warn.cc here): two local
   * compiles differ there and nowhere else, so the remote one may differ from the local one only
   * there as well. Everything else must be identical.
   */
  private static void onlyTheDwoIdDiffers(byte[] local, byte[] localAgain, byte[] remote, String what) {
    assertEquals(local.length, remote.length, what + ": length");
    assertEquals(local.length, localAgain.length, what + ": length of a second local compile");
    int first = Arrays.mismatch(local, localAgain);
    assertTrue(first >= 0, what + " differs though two local compiles agree");
    int last = first;
    for (int i = first; i < local.length; i++) {
      last = local[i] != localAgain[i] ? i : last;
    }
    assertTrue(last - first < 8, what + ": two local compiles differ beyond an 8-byte id, at " + first + " and " + last);
    // Some bytes of two random ids may agree: any 8-byte window holding every local difference.
    for (int i = 0; i < local.length; i++) {
      assertTrue(local[i] == remote[i] || i > last - 8 && i < first + 8, what + ": differs from the local compile outside the DWO id, at " + i);
    }
  }

  /** Without -MD the servant asks gcc for the list itself; system headers and the source must count as read. */
  @Test
  void aCompileWithoutDependencyFlagsIsCheckedAgainstSystemHeadersToo() throws Exception {
    Path compiler = COMPILERS.get(GXX);
    Toolchains.require(Files.isExecutable(compiler), compiler.toString());
    String build = root.resolve("build").toString();
    List<String> argv = List.of("-g", "-O2", "-I" + root.resolve("include"), "-o", "obj/util.o", "-c", root.resolve("src/util.cc").toString());
    List<TreeFile> files = deps(compiler, argv);
    assertTrue(files.stream().anyMatch(f -> f.getPath().startsWith("/usr/include/")), "the unit reads system headers: " + files);
    Result local = local(compiler, argv, List.of(build + "/obj/util.o"));
    Result remote = remote(run(task(GXX, argv, build, files, List.of(build + "/obj/util.o"))));
    assertEquals(0, remote.exit(), remote.stderr());
    assertArrayEquals(local.files().get(build + "/obj/util.o"), remote.files().get(build + "/obj/util.o"));
  }

  @Test
  void aFileTheCompileDidNotReadFailsTheTaskAsOurs() throws Exception {
    Path compiler = COMPILERS.get(GXX);
    Toolchains.require(Files.isExecutable(compiler), compiler.toString());
    String build = root.resolve("build").toString();
    List<String> argv = List.of("-O2", "-I" + root.resolve("include"), "-o", "obj/util.o", "-c", root.resolve("src/util.cc").toString());
    List<TreeFile> files = new ArrayList<>(deps(compiler, argv));
    byte[] stray = "int stray;\n".getBytes(StandardCharsets.UTF_8);
    onLoop(() -> endpoint.putBlobs(PutBlobsRequest.newBuilder().setToken(TOKEN).addBlobs(Blob.newBuilder()
        .setDigest(Digests.hex(stray)).setDataZstd(ByteString.copyFrom(Zstd.compress(stray)))).build()));
    files.add(TreeFile.newBuilder().setPath(root.resolve("include/stray.h").toString()).setDigest(Digests.hex(stray)).build());
    WaitTaskResponse r = run(task(GXX, argv, build, files, List.of(build + "/obj/util.o")));
    // Ours, not the compile's: declined, so the delegate compiles locally without blaming the servant.
    assertEquals(dev.vxcc.daemon.DaemonConstants.TASK_EXIT_DECLINED, r.getExitCode());
    assertTrue(remote(r).stderr().contains("include resolution differs"), remote(r).stderr());
    assertEquals(0, r.getFilesCount());
  }

  @Test
  void aSystemHeaderThatDiffersOnTheServantIsRefused() throws Exception {
    String build = root.resolve("build").toString();
    List<String> argv = List.of("-O2", "-c", root.resolve("src/util.cc").toString(), "-o", "obj/util.o");
    List<TreeFile> files = List.of(TreeFile.newBuilder().setPath("/usr/include/stdio.h").setDigest("d".repeat(64)).build());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> onLoop(() -> endpoint.queueTask(task(GXX, argv, build, files, List.of(build + "/obj/util.o")))));
    StatusException s = assertInstanceOf(StatusException.class, e.getCause());
    // "Cannot run this task", not "broken": the delegate keeps the servant out of its penalty box.
    assertEquals(GrpcStatus.FAILED_PRECONDITION, s.status());
    assertTrue(s.message().contains("/usr/include/stdio.h differs on this servant"), s.message());
  }

  @Test
  void aTreeInADirectoryThatIsASystemOneHereIsDeclinedNotBlamed() throws Exception {
    Path compiler = COMPILERS.get(GXX);
    Toolchains.require(Files.isExecutable(compiler), compiler.toString());
    String out = root.resolve("build/obj/util.o").toString();
    List<String> argv = List.of("-O2", "-I" + root.resolve("include"), "-o", out, "-c", root.resolve("src/util.cc").toString());
    List<TreeFile> files = deps(compiler, argv);
    // A servant whose compiler lives under /opt, say, counts /opt as its own: a user's tree there
    // can still run on another servant, so this one declines rather than calls the task broken.
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> onLoop(() -> endpoint.queueTask(task(GXX, argv, "/usr/lib", files, List.of(out)))));
    StatusException s = assertInstanceOf(StatusException.class, e.getCause());
    assertEquals(GrpcStatus.FAILED_PRECONDITION, s.status());
    assertTrue(s.message().contains("lies in a system directory of this servant"), s.message());
  }

  @Test
  void aBlobWhoseBytesDoNotMatchItsDigestIsRefused() throws Exception {
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> onLoop(() -> endpoint.putBlobs(PutBlobsRequest.newBuilder().setToken(TOKEN).addBlobs(Blob.newBuilder()
            .setDigest("e".repeat(64)).setDataZstd(ByteString.copyFrom(Zstd.compress(data)))).build())));
    assertEquals(GrpcStatus.INVALID_ARGUMENT, assertInstanceOf(StatusException.class, e.getCause()).status());
    assertFalse(onLoop(() -> endpoint.findMissingBlobs(FindMissingBlobsRequest.newBuilder().setToken(TOKEN)
        .addDigests("e".repeat(64)).build())).getMissingList().isEmpty());
  }
}
