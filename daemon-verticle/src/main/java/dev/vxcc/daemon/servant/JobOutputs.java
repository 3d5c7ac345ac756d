package dev.vxcc.daemon.servant;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.Zstd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a finished job hands back, read from its directory after the compiler exited: blocking,
 * so only on a worker. Nothing the compiler's user could have planted is followed or shipped.
 */
final class JobOutputs {
  private static final Logger LOG = LoggerFactory.getLogger(JobOutputs.class);

  private JobOutputs() {}

  /** A source tree: the listed outputs, read only where they really lie in the stage, after the dependency check. */
  static WaitTaskResponse ofTree(CompileJob cj, int exit) throws IOException {
    String why = exit == 0 ? SourceTree.depsProblem(cj.tree, cj.workDir.resolve("stage")) : null;
    if (why != null) {
      LOG.info("task {}: {}", cj.id, why);
      return TaskResults.declined(why);
    }
    return SourceTree.result(cj.tree, cj.workDir, exit, cj::hidePaths);
  }

  /** Preprocessed text: stdout, stderr and (on success) every out* file, compressed, our paths hidden. */
  static WaitTaskResponse ofText(CompileJob cj, int exit) throws IOException {
    Path io = cj.workDir.resolve("io");
    WaitTaskResponse.Builder r = WaitTaskResponse.newBuilder()
        .setStatus(TaskStatus.TASK_STATUS_DONE)
        .setExitCode(exit)
        .setServantQueueMicros(cj.queueMicros)
        .setCompileMicros(cj.compileMicros)
        .setStdoutZstd(ByteString.copyFrom(Zstd.compress(cj.hidePaths(Files.readAllBytes(io.resolve("stdout"))))))
        .setStderrZstd(ByteString.copyFrom(Zstd.compress(cj.hidePaths(Files.readAllBytes(io.resolve("stderr"))))));
    if (exit == 0) {
      try (Stream<Path> s = Files.list(cj.workDir.resolve("out"))) {
        for (Path f : s.sorted().toList()) {
          String name = f.getFileName().toString();
          // Never follow a link the compiler's user may have planted: it would ship our files.
          if (!name.startsWith("out") || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          r.addFiles(OutputFile.newBuilder()
              .setSuffix(name.substring(3))
              .setDataZstd(ByteString.copyFrom(Zstd.compress(Files.readAllBytes(f)))));
        }
      }
    }
    return r.build();
  }
}
