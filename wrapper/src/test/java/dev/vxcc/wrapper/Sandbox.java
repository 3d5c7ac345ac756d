package dev.vxcc.wrapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A work directory with a fake compiler ({@code real/g++}), a masquerading symlink
 * ({@code sym/g++ -> shim}) and a clean environment, so no VXCC_* of the developer leaks in.
 */
final class Sandbox {

    static final Path SHIM = Path.of(System.getProperty("vxcc.shim", "target/bin/vxcc")).toAbsolutePath();

    /**
     * Logs its argv, prints what FAKE_* ask for, creates the -o file, and exits or dies as told.
     * FAKE_BIG writes a lot to stderr before stdout: a shim that drained one pipe at a time
     * would deadlock on it.
     */
    private static final String FAKE_COMPILER = """
            #!/bin/bash
            log="${FAKE_LOG:-/dev/null}"
            { printf 'ARGV0=%s\\n' "$0"; for a in "$@"; do printf 'ARG=%s\\n' "$a"; done; } >> "$log"
            out=""; prev=""
            for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
            [ -n "$FAKE_STDOUT" ] && printf '%s' "$FAKE_STDOUT"
            [ -n "$FAKE_STDERR" ] && printf '%s' "$FAKE_STDERR" >&2
            if [ -n "$FAKE_BIG" ]; then
              head -c 300000 /dev/zero | tr '\\0' 'e' >&2
              head -c "$FAKE_BIG" /dev/zero | tr '\\0' 'x'
            fi
            if [ -n "$FAKE_SIGNAL" ]; then ulimit -c 0; kill -"$FAKE_SIGNAL" $$; fi
            [ -n "$FAKE_SLEEP" ] && exec sleep "$FAKE_SLEEP"
            [ -n "$out" ] && echo "object from fake compiler" > "$out"
            exit "${FAKE_EXIT:-0}"
            """;

    record Result(int exit, String stdout, String stderr, long millis) {}

    final Path root;
    final Path work;
    final Path real;
    final Path sym;
    final Path log;
    final Map<String, String> env = new HashMap<>();

    Sandbox(Path root) throws IOException {
        this.root = root;
        work = Files.createDirectories(root.resolve("work"));
        real = Files.createDirectories(root.resolve("real"));
        sym = Files.createDirectories(root.resolve("sym"));
        log = root.resolve("compiler.log");
        Path compiler = real.resolve("g++");
        Files.writeString(compiler, FAKE_COMPILER);
        Files.setPosixFilePermissions(compiler, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(sym.resolve("g++"), SHIM);
        env.put("PATH", sym + ":" + real + ":/usr/bin:/bin");
        env.put("HOME", root.toString());
        env.put("LANG", "C.UTF-8");
        env.put("FAKE_LOG", log.toString());
    }

    Path compiler() {
        return real.resolve("g++");
    }

    Sandbox set(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Masquerade mode: runs "g++ args..." with PATH finding sym/g++ first. */
    Result gxx(String... args) throws Exception {
        var cmd = new ArrayList<String>();
        cmd.add("g++");
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs cmd through bash so that argv[0] is exactly cmd[0] (as make would) and no core is dumped. */
    Result run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile(root, "stdout", ".txt");
        Path err = Files.createTempFile(root, "stderr", ".txt");
        long t0 = System.nanoTime();
        Process p = start(cmd, out, err);
        return finish(p, cmd, out, err, t0);
    }

    Process start(List<String> cmd, Path out, Path err) throws IOException {
        var full = new ArrayList<String>(List.of("/bin/bash", "-c", "ulimit -c 0; exec \"$@\"", "bash"));
        full.addAll(cmd);
        var pb = new ProcessBuilder(full).directory(work.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    Result finish(Process p, List<String> cmd, Path out, Path err, long t0) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("shim did not finish within 60 s: " + cmd);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1), millis);
    }

    /** argv the fake compiler saw, one entry per element, ARGV0 first; empty if it never ran. */
    List<String> compilerRuns() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Waits, on file events rather than a clock, until the fake compiler has logged its argv. */
    List<String> awaitCompilerRun(long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (WatchService watch = log.getFileSystem().newWatchService()) {
            log.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            List<String> runs = compilerRuns();
            while (runs.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the compiler did not start within " + seconds + " s");
                }
                var key = watch.poll(left, TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                runs = compilerRuns();
            }
            return runs;
        }
    }

    void clearLog() throws IOException {
        Files.deleteIfExists(log);
    }

    /** Links to the shim would make JUnit warn about links leaving the temp dir: remove them first. */
    static void removeLinks(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isSymbolicLink).toList()) {
                Files.delete(p);
            }
        }
    }
}
