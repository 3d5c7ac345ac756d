package dev.vxcc.daemon.servant;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether this machine can build a source-tree namespace: bwrap present, and user plus mount
 * namespaces allowed for the compilers' user (container runtimes and some kernels forbid them).
 * Asked once at servant start, through the same sandbox prefix compiles use.
 */
final class SourceTreeProbe {
  private SourceTreeProbe() {}

  /** Blocking. @return null when available, else why not (one line for the log) */
  static String unavailable(Sandbox sandbox) {
    if (!Files.isExecutable(Path.of(SourceTree.BWRAP))) {
      return SourceTree.BWRAP + " not found (Debian package bubblewrap)";
    }
    List<String> cmd = new ArrayList<>(List.of(SourceTree.BWRAP, "--unshare-all", "--die-with-parent", "--new-session"));
    try {
      SourceTree.systemTops(Path.of("/usr/bin/true")).forEach((top, link) ->
          cmd.addAll(link.isEmpty() ? List.of("--ro-bind", "/" + top, "/" + top) : List.of("--symlink", link, "/" + top)));
      cmd.addAll(List.of("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--", "/usr/bin/true"));
      Process p = new ProcessBuilder(sandbox.command(cmd)).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      String out = new String(p.getInputStream().readNBytes(512), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "bwrap did not finish within 30 s";
      }
      return p.exitValue() == 0 ? null : "bwrap failed (exit " + p.exitValue() + "): " + out.replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "bwrap could not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
