package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.doctor.CacheCheck;
import dev.vxcc.daemon.doctor.Check;
import dev.vxcc.daemon.doctor.ClusterCheck;
import dev.vxcc.daemon.doctor.CompilerCheck;
import dev.vxcc.daemon.doctor.PathSetup;
import dev.vxcc.daemon.doctor.ShellView;
import dev.vxcc.daemon.identity.CompilerIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /local/doctor}: runs every check of {@code vxcc doctor} on what the shim saw and
 * what this daemon knows, and answers the lines to print and the exit code.
 */
final class DoctorService {
  private static final long VERSION_TIMEOUT_MS = 5_000;

  /** What the daemon knows at the time of the request; read on the event loop. */
  record State(String socket, int localSlots, ClusterView view, String viewError, JsonObject cacheStats) {}

  private final Vertx vertx;
  private final CompilerIdentity identities;
  private final TrustedCompilers trusted;

  DoctorService(Vertx vertx, CompilerIdentity identities, TrustedCompilers trusted) {
    this.vertx = vertx;
    this.identities = identities;
    this.trusted = trusted;
  }

  Future<Buffer> run(PeerIdentity caller, Frames f, State state) {
    ShellView shell = shell(f);
    String socket = f.text("socket", state.socket());
    // Looking at files and running compilers blocks: on a worker.
    return vertx.executeBlocking(() -> {
      PathSetup path = new PathSetup(shell, asCaller(FileAccess.of(caller)));
      List<Check> checks = new ArrayList<>(path.checks());
      checks.add(Check.ok("daemon", "reachable at " + socket + ", local compile slots: " + state.localSlots()));
      checks.add(ClusterCheck.check(state.view(), state.viewError()));
      checks.addAll(CompilerCheck.checks(compilers(path), state.view()));
      checks.add(CacheCheck.check(state.cacheStats()));
      return Frames.builder().add("exit", String.valueOf(Check.exitCode(checks))).add("text", Check.render(checks)).build();
    }, false);
  }

  /**
   * The daemon usually runs as root: it looks only at files the caller could read itself, so that
   * doctor tells nobody about (or runs) compilers in directories closed to them.
   */
  private static PathSetup.Executables asCaller(FileAccess access) {
    PathSetup.Executables disk = PathSetup.Executables.onDisk();
    return candidate -> {
      try {
        access.readable(candidate);
      } catch (IOException | Refusal | SecurityException e) {
        return java.util.Optional.empty();
      }
      return disk.real(candidate);
    };
  }

  static ShellView shell(Frames f) {
    Map<String, String> env = new HashMap<>();
    for (String e : f.texts("env")) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    Path cwd = Path.of(f.text("cwd", "/"));
    Path self = Path.of(f.text("self", "/nonexistent/vxcc"));
    if (!cwd.isAbsolute() || !self.isAbsolute()) {
      throw new IllegalArgumentException("cwd and self must be absolute paths");
    }
    return new ShellView(self, ShellView.splitPath(f.text("path", "")), env, cwd);
  }

  /** Worker: the real compilers behind each name, once per installation. */
  private List<CompilerCheck.Local> compilers(PathSetup path) {
    Map<Path, List<String>> byReal = new LinkedHashMap<>();
    Map<Path, Path> asFound = new HashMap<>();
    for (String name : PathSetup.COMPILER_NAMES) {
      path.realCompiler(name).ifPresent(p -> {
        Path real;
        try {
          real = p.toRealPath();
        } catch (IOException e) {
          return;
        }
        byReal.computeIfAbsent(real, k -> new ArrayList<>()).add(name);
        asFound.putIfAbsent(real, p);
      });
    }
    List<CompilerCheck.Local> out = new ArrayList<>();
    byReal.forEach((real, names) -> out.add(local(names, asFound.get(real))));
    return out;
  }

  private CompilerCheck.Local local(List<String> names, Path compiler) {
    if (!trusted.trusted(compiler)) {
      return new CompilerCheck.Local(names, compiler, "", "", "it, or a directory above it, is writable by someone other than"
          + " root, so the daemon will not run it: install it root-owned");
    }
    try {
      return new CompilerCheck.Local(names, compiler, version(compiler), identities.identity(compiler), "");
    } catch (IOException e) {
      return new CompilerCheck.Local(names, compiler, "", "", "cannot be identified (" + e.getMessage() + ")");
    }
  }

  /** Blocking: the first line of {@code --version}, e.g. "g++ (Debian 12.2.0-14) 12.2.0"; empty if it says nothing. */
  static String version(Path compiler) {
    try {
      Process p = new ProcessBuilder(compiler.toString(), "--version")
          .directory(Path.of("/").toFile())
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      // --version prints a few lines (far below a pipe's buffer): wait first, so a hang cannot block the read.
      if (!p.waitFor(VERSION_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return "";
      }
      String first;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        first = r.readLine();
      }
      return first == null ? "" : first.strip();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
