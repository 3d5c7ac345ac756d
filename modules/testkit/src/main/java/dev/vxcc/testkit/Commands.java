package dev.vxcc.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a bound, capturing its output; tests read the result. */
public final class Commands {
  private Commands() {}

  public record Result(int exit, String stdout, String stderr, long millis) {
    public Result orFail(String what) {
      if (exit != 0) {
        throw new AssertionError(what + " failed with " + exit + "\nstdout:\n" + tail(stdout) + "\nstderr:\n" + tail(stderr));
      }
      return this;
    }

    private static String tail(String s) {
      return s.length() > 6000 ? "..." + s.substring(s.length() - 6000) : s;
    }
  }

  /** Kills a process and everything it started (compilers fork cc1plus and as; nodes fork nothing, but still). */
  public static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** A command running in the background; {@link #await} collects it like {@link #run}. */
  public static final class Async {
    private final Process process;
    private final Path out;
    private final Path err;
    private final long started = System.nanoTime();

    private Async(Process process, Path out, Path err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** Waits up to {@code millis} for the command to end; whether it has. */
    public boolean awaitExit(long millis) throws InterruptedException {
      return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** Kills the command and everything it started, like a user's Ctrl-C gone wrong. */
    public void kill() throws InterruptedException {
      Commands.killTree(process);
      process.waitFor(30, TimeUnit.SECONDS);
    }

    public Result await(long timeoutSeconds) throws IOException, InterruptedException {
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          Commands.killTree(process);
          // What it printed so far (a wrapper at VXCC_LOG_LEVEL=debug says what it waits for).
          throw new AssertionError("timed out after " + timeoutSeconds + " s; stdout:\n" + Result.tail(Files.readString(out, StandardCharsets.UTF_8))
              + "\nstderr:\n" + Result.tail(Files.readString(err, StandardCharsets.UTF_8)));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - started) / 1_000_000);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    }
  }

  public static Async start(Path cwd, Map<String, String> env, List<String> cmd) throws IOException {
    Path out = Files.createTempFile("vxcc-cmd", ".out");
    Path err = Files.createTempFile("vxcc-cmd", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env);
    return new Async(pb.start(), out, err);
  }

  public static Result run(Path cwd, Map<String, String> env, long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("vxcc-cmd", ".out");
    Path err = Files.createTempFile("vxcc-cmd", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putAll(env);
      long t0 = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        Commands.killTree(p);
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), ms);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
