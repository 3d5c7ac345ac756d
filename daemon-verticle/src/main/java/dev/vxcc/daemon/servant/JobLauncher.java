package dev.vxcc.daemon.servant;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.args.CompilerFamily;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a job's compiler: a preprocessed text on stdin or as a file (its directives checked
 * first), or a source tree in its namespace. Everything of the servant's own stays out of the
 * compiler's environment; the submitter's SOURCE_DATE_EPOCH goes in, nothing else of its.
 */
final class JobLauncher {
  private JobLauncher() {}

  /** Worker: prepares the job's directory and starts its compiler; blobs and hostDigests only for source trees. */
  static Process start(CompileJob cj, ServantJob job, Sandbox sandbox, ServantLimits limits, BlobStore blobs,
      FileDigestCache hostDigests) throws IOException {
    if (job.tree() != null) {
      return startTree(cj, job, sandbox, blobs, hostDigests);
    }
    byte[] source;
    try {
      source = Zstd.decompress(job.sourceZstd(), limits.maxSourceBytes());
    } catch (IllegalArgumentException e) {
      throw new ExecutionEngine.BadTask("source_zstd: " + e.getMessage());
    }
    // Kept for the cache fill, which re-derives the key from it: one decompression, not two. Its
    // size is already reserved against the in-flight budget until the job finishes.
    if (!job.disallowCacheFill()) {
      cj.source = source;
    }
    // gcc's preprocessor runs in both input modes; clang's rewrite-includes sources legitimately
    // keep #include lines, so for clang only the sandbox limits what a directive can read.
    if (CompilerFamily.detect(job.compiler().getFileName().toString(), job.compiler()).orElse(CompilerFamily.GCC) == CompilerFamily.GCC) {
      String refused = SourceDirectives.problem(source);
      if (refused != null) {
        throw new ExecutionEngine.BadTask(refused);
      }
    }
    Files.createDirectory(cj.workDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    // io/ is the servant's alone: the compiler reaches its files only through inherited descriptors.
    Path io = Files.createDirectory(cj.workDir.resolve("io"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path out = sandbox.ownDir(cj.workDir.resolve("out"));
    Path tmp = sandbox.ownDir(cj.workDir.resolve("tmp"));
    Path output = out.resolve("out" + job.outputSuffix());
    cj.scrub.add(cj.workDir.toString());
    ProcessBuilder pb;
    if (job.fileInput() == null) {
      Path src = io.resolve("source");
      Files.write(src, source);
      List<String> cmd = new ArrayList<>();
      cmd.add(job.compiler().toString());
      cmd.addAll(job.args());
      cmd.add("-");
      cmd.add("-o");
      cmd.add(output.toString());
      pb = new ProcessBuilder(sandbox.command(cmd)).directory(out.toFile()).redirectInput(src.toFile());
    } else {
      // Kept apart from out/: only files named out* there are shipped back.
      Path srcBase = cj.workDir.resolve("src");
      SourceInput.Prepared p = SourceInput.prepare(srcBase, job.compiler(), job.args(),
          job.fileInput().path(), job.fileInput().clientCwd(), output, source);
      // Diagnostics then name the client's paths, as the prefix maps do for the debug info.
      cj.scrub.add(0, srcBase.resolve("root").toString());
      cj.scrub.add(1, p.cwd().toString());
      cj.scrubTo.put(srcBase.resolve("root").toString(), "");
      cj.scrubTo.put(p.cwd().toString(), job.fileInput().clientCwd());
      pb = new ProcessBuilder(sandbox.command(p.command())).directory(p.cwd().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    pb.redirectOutput(io.resolve("stdout").toFile()).redirectError(io.resolve("stderr").toFile());
    Map<String, String> env = pb.environment();
    // The compiler's own temp files and any dotfiles it looks for: nothing of the daemon's.
    env.put("TMPDIR", tmp.toString());
    env.put("HOME", tmp.toString());
    // These change what gcc emits; the submitter's environment decides, not ours.
    env.remove("GCC_COMPARE_DEBUG");
    env.remove("SOURCE_DATE_EPOCH");
    if (!job.sourceDateEpoch().isEmpty()) {
      env.put("SOURCE_DATE_EPOCH", job.sourceDateEpoch());
    }
    env.remove("DEPENDENCIES_OUTPUT");
    env.remove("SUNPRO_DEPENDENCIES");
    env.put("LC_ALL", "C");
    return pb.start();
  }

  /** Worker: lays out the job's stage and starts the compiler in its namespace. */
  private static Process startTree(CompileJob cj, ServantJob job, Sandbox sandbox, BlobStore blobs, FileDigestCache hostDigests)
      throws IOException {
    Files.createDirectory(cj.workDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    Path io = Files.createDirectory(cj.workDir.resolve("io"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    cj.tree = SourceTree.prepare(cj.workDir, job.tree(), job.compiler(), blobs, hostDigests, sandbox);
    cj.scrub.add(cj.workDir.toString());
    ProcessBuilder pb = new ProcessBuilder(sandbox.command(cj.tree.command()))
        .directory(cj.tree.cwdOnHost().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(io.resolve("stdout").toFile())
        .redirectError(io.resolve("stderr").toFile());
    Map<String, String> env = pb.environment();
    // Nothing of the daemon's environment reaches a stranger's compile but PATH and the locale.
    String path = env.getOrDefault("PATH", "/usr/bin:/bin");
    env.clear();
    env.put("PATH", path);
    env.putAll(cj.tree.env());
    if (!job.sourceDateEpoch().isEmpty()) {
      env.put("SOURCE_DATE_EPOCH", job.sourceDateEpoch());
    }
    return pb.start();
  }
}
