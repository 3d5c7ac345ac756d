package dev.vxcc.daemon.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A "gcc" that servants run in place of a compiler. What each call does is the test's choice,
 * one mode per call in order (the last repeats): {@code ok} writes an object naming the output
 * path (so the servant that ran it shows), {@code fail} is a compile error, {@code hang} runs until
 * killed, {@code gate} waits until the test {@link #open opens} the gate, then succeeds. Every call
 * leaves {@code call.N/started} with its pid, so tests can await "compile started" and "killed".
 * The script never changes, so its compiler identity stays the same for the whole class; its
 * {@code -###} names one program, as the identity probe requires of a compiler.
 */
final class StandInCompiler {
  record Call(long pid, String output) {}

  final Path path;
  private final Path ctl;

  private StandInCompiler(Path path, Path ctl) {
    this.path = path;
    this.ctl = ctl;
  }

  /** In {@code dir}/bin, a directory only root can change, so that the daemon trusts it. */
  static StandInCompiler create(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path ctl = Files.createDirectories(dir.resolve("ctl"));
    Path gcc = bin.resolve("gcc");
    Files.writeString(gcc, """
        #!/bin/sh
        case "$1" in '-###') echo ' "/bin/true" "-stand-in"'; exit 0 ;; esac
        ctl=%s
        n=1
        while ! mkdir "$ctl/call.$n" 2>/dev/null; do n=$((n + 1)); done
        for a; do out=$a; done
        mode=$(sed -n "${n}p" "$ctl/plan")
        [ -n "$mode" ] || mode=$(tail -n 1 "$ctl/plan")
        echo "$$ $out" > "$ctl/call.$n/started.tmp"
        mv "$ctl/call.$n/started.tmp" "$ctl/call.$n/started"
        case "$mode" in
          fail) echo "stand-in: error: refused" >&2; exit 1 ;;
          hang) exec sleep 300 ;;
          gate) while [ ! -e "$ctl/open" ]; do sleep 0.05; done ;;
        esac
        printf 'object for %%s\\n' "$out" > "$out"
        """.formatted(ctl));
    Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new StandInCompiler(gcc, ctl);
  }

  /** Starts over: the given modes for the next calls, no call made yet, the gate shut. */
  void plan(String... modes) throws IOException {
    killRunning();
    try (Stream<Path> s = Files.list(ctl)) {
      for (Path p : s.toList()) {
        if (Files.isDirectory(p)) {
          LocalApiFixture.deleteTree(p);
        } else {
          Files.delete(p);
        }
      }
    }
    Files.writeString(ctl.resolve("plan"), String.join("\n", modes) + "\n");
  }

  void open() throws IOException {
    Files.writeString(ctl.resolve("open"), "");
  }

  /** Calls made so far. */
  int calls() throws IOException {
    try (Stream<Path> s = Files.list(ctl)) {
      return (int) s.filter(p -> p.getFileName().toString().startsWith("call.")).count();
    }
  }

  /** Once call n (from 1) has started. */
  Call started(Vertx vertx, int n) throws Exception {
    Path marker = ctl.resolve("call." + n).resolve("started");
    until(vertx, () -> Files.exists(marker)).await(30, TimeUnit.SECONDS);
    String[] line = Files.readString(marker, StandardCharsets.UTF_8).trim().split(" ", 2);
    return new Call(Long.parseLong(line[0]), line[1]);
  }

  /** Once the process of this call is gone (killed, or ended). */
  static void awaitExit(Call c) throws Exception {
    ProcessHandle.of(c.pid()).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
  }

  /** Hanging calls of an earlier test are stopped by their pids. */
  void killRunning() throws IOException {
    try (Stream<Path> s = Files.list(ctl)) {
      for (Path dir : s.filter(p -> p.getFileName().toString().startsWith("call.")).toList()) {
        Path marker = dir.resolve("started");
        if (Files.exists(marker)) {
          long pid = Long.parseLong(Files.readString(marker).trim().split(" ", 2)[0]);
          ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.endsWith("sleep") || c.endsWith("sh")).orElse(false))
              .ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  /**
   * Completes once the (blocking) check holds: re-checked on a short one-shot timer that is
   * re-armed after each check, for files the test cannot get a callback for.
   */
  static Future<Void> until(Vertx vertx, Callable<Boolean> check) {
    Promise<Void> met = Promise.promise();
    checkLater(vertx, check, met, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    return met.future();
  }

  private static void checkLater(Vertx vertx, Callable<Boolean> check, Promise<Void> met, long deadline) {
    vertx.setTimer(20, t -> vertx.executeBlocking(check, false).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        met.tryComplete();
      } else if (System.nanoTime() > deadline) {
        met.tryFail("not met within 30 s");
      } else {
        checkLater(vertx, check, met, deadline);
      }
    }));
  }
}
