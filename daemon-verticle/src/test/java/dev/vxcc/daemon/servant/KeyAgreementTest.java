package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.identity.CompilerIdentity;
import dev.vxcc.daemon.identity.Expansion;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import java.io.IOException;
import dev.vxcc.testkit.Toolchains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real gcc and clang compiles keyed twice: by the delegate as CompileFlow does (its decision, its
 * preprocessed text, the submitter's SOURCE_DATE_EPOCH) and by the servant as CacheFill does
 * (what arrived over the wire and what its own compile wrote). The two must agree for every kind of
 * compile, and any disagreement must mean "do not store".
 */
class KeyAgreementTest {
  private static final CompilerIdentity IDS = new CompilerIdentity(new FileDigestCache());
  private static final String EPOCH = "1700000000";

  @TempDir
  Path tmp;
  private Path root;

  @BeforeEach
  void checkout() throws IOException {
    root = tmp.resolve("proj");
    Map<String, String> files = Map.of(
        "include/util.h", "#pragma once\ninline int twice(int x) { return 2 * x; }\n",
        "src/main.cc", "#include \"util.h\"\n#include <cstdio>\nint main() { std::printf(\"%d\\n\", twice(2)); return 0; }\n",
        "src/file.cc", "#include \"util.h\"\nconst char* where() { return __FILE__; }\n",
        "src/main.c", "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }\n",
        "src/clock.c", "const char* when = __DATE__ \" \" __TIME__;\n",
        "src/base.c", "const char* base = __BASE_FILE__;\n");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.createDirectories(root.resolve(f.getKey()).getParent());
      Files.writeString(root.resolve(f.getKey()), f.getValue());
    }
  }

  private static Path need(String path) {
    Toolchains.require(Files.isExecutable(Path.of(path)), path);
    return Path.of(path);
  }

  /** What both sides computed for one compile. */
  private record Sides(TaskKeyBuilder.Outcome delegate, ServantJob job, byte[] source, List<OutputFile> produced,
      Path compiler) {
    TaskKeyBuilder.StoreVerdict servant() {
      return CacheFill.storeKey(job, source, produced,
          () -> Expansion.run(List.of(), compiler, job.args(), source, Integer.MAX_VALUE - 64));
    }
  }

  private Sides compile(Path compiler, String source, String epoch, String... flags) throws Exception {
    List<String> args = new ArrayList<>();
    for (String f : flags) {
      args.add(f.replace("@ROOT@", root.toString()));
    }
    args.addAll(List.of("-I" + root.resolve("include"), "-c", root.resolve("src/" + source).toString(), "-o",
        root.resolve("out/" + source + ".o").toString()));
    Files.createDirectories(root.resolve("out"));
    Decision.Remote d = assertInstanceOf(Decision.Remote.class,
        ArgumentClassifier.classify(compiler.getFileName().toString(), compiler, args, root));
    List<String> pre = new ArrayList<>(List.of(compiler.toString()));
    pre.addAll(d.preprocessArgs());
    byte[] text = run(root, null, Map.of(), pre);
    // The delegate, as CompileFlow.job does.
    CompilerIdentity.Identity id = IDS.of(compiler);
    TaskKeyBuilder.Request asked = TaskKeyBuilder.delegateRequest(d, true, id.hex(), id.prefix(), text, root.toString(), epoch,
        () -> Expansion.run(compiler, d.remoteArgs(), text));
    TaskKeyBuilder.Outcome delegate = TaskKeyBuilder.build(asked);
    if (!(delegate instanceof TaskKeyBuilder.Keyed k)) {
      return new Sides(delegate, null, text, List.of(), compiler);
    }
    // The wire, as Dispatcher sends it and ServantEndpoint reads it.
    TaskKeyBuilder.FileInput in = asked.fileInput();
    ServantJob job = new ServantJob(compiler, id.hex(), d.remoteArgs(), Zstd.compress(text), 1, k.taskDigest(),
        d.outputSuffix(), false, in == null ? null : new ServantJob.FileInput(in.path(), in.clientCwd()), k.sourceDateEpoch(),
        d.sourcePath(), root.toString(), id.prefix() == null ? "" : id.prefix().toString(),
        TaskKeyBuilder.fromWire(TaskKeyBuilder.toWire(d.family())), asked.sideOutputs());
    return new Sides(delegate, job, Zstd.decompress(job.sourceZstd()), servantCompile(job, in != null, text), compiler);
  }

  /** The files a servant's compile writes (stdin mode); file-as-source writes the decision's outputs too. */
  private List<OutputFile> servantCompile(ServantJob job, boolean fileAsSource, byte[] text) throws Exception {
    List<String> produced = new ArrayList<>(List.of(job.outputSuffix()));
    if (fileAsSource) {
      produced.addAll(job.keySideOutputs());
    } else {
      Path dir = Files.createTempDirectory(tmp, "servant");
      List<String> cmd = new ArrayList<>(List.of(job.compiler().toString()));
      cmd.addAll(job.args());
      cmd.addAll(List.of("-", "-o", "out" + job.outputSuffix()));
      run(dir, text, job.sourceDateEpoch().isEmpty() ? Map.of() : Map.of("SOURCE_DATE_EPOCH", job.sourceDateEpoch()), cmd);
      produced.clear();
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("out")).sorted().forEach(n -> produced.add(n.substring(3)));
      }
    }
    return produced.stream().map(s -> OutputFile.newBuilder().setSuffix(s).build()).toList();
  }

  private static byte[] run(Path cwd, byte[] stdin, Map<String, String> env, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LC_ALL", "C");
    pb.environment().putAll(env);
    Process p = pb.start();
    Thread writer = Thread.ofPlatform().start(() -> {
      try (var os = p.getOutputStream()) {
        if (stdin != null) {
          os.write(stdin);
        }
      } catch (IOException e) {
        // The exit code tells.
      }
    });
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timeout: " + cmd);
    writer.join();
    assertEquals(0, p.exitValue(), "failed: " + cmd);
    return out;
  }

  private void assertAgreeAndStore(Path compiler, String source, String... flags) throws Exception {
    Sides s = compile(compiler, source, "", flags);
    TaskKeyBuilder.Keyed k = assertInstanceOf(TaskKeyBuilder.Keyed.class, s.delegate());
    TaskKeyBuilder.StoreVerdict v = s.servant();
    assertTrue(v.store(), List.of(flags) + ": " + v.mismatch());
    assertEquals(TaskKeyBuilder.cacheKey(k.taskDigest()), v.cacheKey());
  }

  @Test
  void gccKeysAgree() throws Exception {
    Path gxx = need("/usr/bin/g++");
    Path gcc = need("/usr/bin/gcc");
    assertAgreeAndStore(gxx, "main.cc", "-O2");
    assertAgreeAndStore(gcc, "main.c", "-O2");
    assertAgreeAndStore(gxx, "file.cc", "-O2");
    assertAgreeAndStore(gxx, "file.cc", "-O2", "-fmacro-prefix-map=@ROOT@=.");
    assertAgreeAndStore(gxx, "main.cc", "-O2", "-g", "-gno-record-gcc-switches");
    assertAgreeAndStore(gxx, "main.cc", "-O2", "-g", "-gno-record-gcc-switches", "-fdebug-prefix-map=@ROOT@=.");
    assertAgreeAndStore(gxx, "main.cc", "-O2", "-MD", "-MF", "@ROOT@/out/main.d");
    assertAgreeAndStore(gcc, "main.c", "-O2", "-fstack-usage");
  }

  @Test
  void gccFileAsSourceKeysAgree() throws Exception {
    Sides s = compile(need("/usr/bin/g++"), "main.cc", "", "-O2", "-g");
    assertTrue(s.job().fileInput() != null, "gcc -g recording its switches is compiled as a file");
    assertTrue(s.servant().store(), s.servant().mismatch());
  }

  @Test
  void clangKeysAgree() throws Exception {
    Path clang = need("/usr/bin/clang");
    assertAgreeAndStore(clang, "main.c", "-O2");
    assertAgreeAndStore(clang, "main.c", "-O2", "-g", "-gno-record-gcc-switches", "-gdwarf-4");
    assertAgreeAndStore(need("/usr/bin/clang++"), "main.cc", "-O2");
  }

  /** The epoch re-hash happens on both sides, and a clock-reading source is never stored. */
  @Test
  void sourceDateEpochKeysAgreeAndAreNeverStored() throws Exception {
    for (Path compiler : List.of(need("/usr/bin/gcc"), need("/usr/bin/clang"))) {
      Sides s = compile(compiler, "clock.c", EPOCH, "-O2");
      TaskKeyBuilder.Keyed k = assertInstanceOf(TaskKeyBuilder.Keyed.class, s.delegate());
      assertEquals(EPOCH, k.sourceDateEpoch());
      assertFalse(k.cacheable());
      TaskKeyBuilder.Request servantView = new TaskKeyBuilder.Request(s.job().compilerDigest(),
          s.job().keyCompilerPrefix().isEmpty() ? null : Path.of(s.job().keyCompilerPrefix()), s.job().args(),
          s.job().outputSuffix(), s.source(), s.job().sourcePath(), s.job().keyFamily(), s.job().keySideOutputs(), s.job().keyBaseDir(),
          null, s.job().sourceDateEpoch(), null);
      assertEquals(k, TaskKeyBuilder.build(servantView));
      assertFalse(s.servant().store());
      assertTrue(s.servant().mismatch().contains("clock"), s.servant().mismatch());
    }
  }

  @Test
  void gccBaseFileIsRefusedClangBaseFileIsKeyed() throws Exception {
    assertEquals(new TaskKeyBuilder.Refused(dev.vxcc.daemon.args.LocalReason.BASE_FILE_MACRO), compile(need("/usr/bin/gcc"), "base.c", "", "-O2").delegate());
    assertAgreeAndStore(need("/usr/bin/clang"), "base.c", "-O2");
  }

  @Test
  void disagreementMeansNoStore() throws Exception {
    Sides s = compile(need("/usr/bin/gcc"), "main.c", "", "-O2", "-fstack-usage");
    ServantJob j = s.job();
    byte[] tampered = (new String(s.source(), java.nio.charset.StandardCharsets.ISO_8859_1) + "int extra;\n")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertFalse(CacheFill.storeKey(j, tampered, s.produced(), null).store(), "tampered source");
    ServantJob clang = new ServantJob(j.compiler(), j.compilerDigest(), j.args(), j.sourceZstd(), j.grantId(),
        j.taskDigest(), j.outputSuffix(), false, j.fileInput(), j.sourceDateEpoch(), j.sourcePath(), j.keyBaseDir(),
        j.keyCompilerPrefix(), CompilerFamily.CLANG, j.keySideOutputs());
    assertFalse(CacheFill.storeKey(clang, s.source(), s.produced(), null).store(), "wrong family");
    ServantJob older = new ServantJob(j.compiler(), j.compilerDigest(), j.args(), j.sourceZstd(), j.grantId(),
        j.taskDigest(), j.outputSuffix(), false, j.fileInput(), j.sourceDateEpoch(), j.sourcePath(), j.keyBaseDir(),
        j.keyCompilerPrefix(), null, j.keySideOutputs());
    assertFalse(CacheFill.storeKey(older, s.source(), s.produced(), null).store(), "no family sent");
    assertFalse(CacheFill.storeKey(j, s.source(), s.produced().subList(0, 1), null).store(), "side output missing");
    assertTrue(CacheFill.storeKey(j, s.source(), s.produced(), null).store(), "untampered");
  }
}
