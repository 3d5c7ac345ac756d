package dev.vxcc.daemon.identity;

import dev.vxcc.daemon.DaemonConstants;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of a compiler's driver with {@code -###}, the raw material of {@link CompilerIdentity}. */
final class CompilerProbe {
  private static final int MAX_OUTPUT_BYTES = 1 << 20;

  private CompilerProbe() {}

  /**
   * Blocking, at most {@link DaemonConstants#COMPILER_PROBE_TIMEOUT_SECONDS}: the output goes to a
   * file rather than a pipe read to its end, so a driver that hangs (or leaves a child holding its
   * output open) runs into the timeout instead of holding this thread for good.
   */
  static List<String> run(Path compiler, List<String> probeArgs, String searchPath) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(compiler.toString());
    cmd.addAll(probeArgs);
    Path out = Files.createTempFile("vxcc-probe-", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      // The servant compiles in a clean environment; GCC_EXEC_PREFIX, COMPILER_PATH or a locale
      // inherited here would make the two sides disagree.
      Map<String, String> env = pb.environment();
      env.clear();
      env.put("PATH", searchPath);
      env.put("LC_ALL", "C");
      Process p = pb.start();
      try {
        if (!p.waitFor(DaemonConstants.COMPILER_PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException(compiler + " did not answer -### within " + DaemonConstants.COMPILER_PROBE_TIMEOUT_SECONDS + " s");
        }
      } catch (InterruptedException ex) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while probing " + compiler, ex);
      }
      if (p.exitValue() != 0) {
        throw new IOException(compiler + " -### failed with exit code " + p.exitValue());
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(out)) {
        bytes = in.readNBytes(MAX_OUTPUT_BYTES);
      }
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      if (lines.stream().noneMatch(l -> l.startsWith(" "))) {
        throw new IOException(compiler + " -### named no compiler program");
      }
      return lines;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
