package dev.vxcc.wrapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.wrapper.FakeDaemon.Reply;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShimTest {

    @TempDir
    Path tmp;

    Sandbox box;
    FakeDaemon daemon;

    @BeforeEach
    void setUp() throws Exception {
        box = new Sandbox(tmp);
        daemon = new FakeDaemon(tmp.resolve("daemon.sock"));
        box.set("VXCC_DAEMON", daemon.address());
    }

    @AfterEach
    void tearDown() throws Exception {
        daemon.close();
        Sandbox.removeLinks(tmp);
    }

    /** A socket path nobody listens on. */
    private String noDaemon() {
        return tmp.resolve("nobody-here.sock").toString();
    }

    private List<String> expectedRun(String... args) {
        var lines = new java.util.ArrayList<String>();
        lines.add("ARGV0=" + box.compiler());
        for (String a : args) {
            lines.add("ARG=" + a);
        }
        return lines;
    }

    private List<String> leftovers() throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.map(Path::toString).filter(p -> p.contains(".vxcc-")).toList();
        }
    }

    // ------------------------------------------------------------------ fall-back

    @Test
    void daemonDownRunsTheRealCompilerQuickly() throws Exception {
        box.set("VXCC_DAEMON", noDaemon())
                .set("FAKE_EXIT", "3").set("FAKE_STDOUT", "out!").set("FAKE_STDERR", "err!");
        // Quick on the best of up to three runs: a busy machine slows single runs, while a shim
        // that waited for the missing daemon would be slow in every one.
        List<Long> took = new java.util.ArrayList<>();
        while (took.size() < 3 && (took.isEmpty() || took.get(took.size() - 1) >= 1000)) {
            box.clearLog();
            Files.deleteIfExists(box.work.resolve("a.o"));
            var r = box.gxx("-c", "a b.c", "-o", "a.o", "-DX=\"q\"");
            assertEquals(3, r.exit());
            assertEquals("out!", r.stdout());
            assertEquals("err!", r.stderr());
            assertEquals(expectedRun("-c", "a b.c", "-o", "a.o", "-DX=\"q\""), box.compilerRuns());
            assertTrue(Files.exists(box.work.resolve("a.o")));
            took.add(r.millis());
        }
        assertTrue(took.get(took.size() - 1) < 1000, "took " + took + " ms");
    }

    @Test
    void hangingDaemonFallsBackWithinTheCompileBudget() throws Exception {
        // Accepted by the kernel's backlog but never read or answered.
        Path path = tmp.resolve("silent.sock");
        try (var silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path), 10)) {
            box.set("VXCC_DAEMON", "unix:" + path);
            var r = box.gxx("-c", "a.c", "-o", "a.o");
            assertEquals(0, r.exit());
            assertEquals(expectedRun("-c", "a.c", "-o", "a.o"), box.compilerRuns());
            // At least the 2 s compile budget, and less than the 15 s long-poll budget (the next
            // larger one), so the compile budget is the one that applied even on a busy machine.
            assertTrue(r.millis() >= 1900 && r.millis() < 10_000, "took " + r.millis() + " ms");
        }
    }

    @Test
    void garbageOrErrorsFromTheDaemonFallBack() throws Exception {
        List<Reply> bad = List.of(
                Reply.raw(200, "hello, world"),
                Reply.raw(500, "boom"),
                Reply.raw(200, ""),
                Reply.of("reason", "action missing first", "action", "local"),
                Reply.of("action", "fail", "reason", "scheduler gone"),
                Reply.of("action", "teleport"),
                Reply.raw(200, "action 99\nshort"),
                Reply.of("action", "result", "exit", "banana"),
                Reply.of("action", "preprocess", "quota", "granted"));
        for (Reply reply : bad) {
            box.clearLog();
            daemon.on("/local/compile", req -> reply);
            var r = box.set("FAKE_EXIT", "4").gxx("-c", "a.c");
            assertEquals(4, r.exit(), new String(reply.body(), StandardCharsets.UTF_8));
            assertEquals("", r.stderr());
            assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        }
    }

    @Test
    void debugLogExplainsTheFallBack() throws Exception {
        daemon.on("/local/compile", req -> Reply.raw(500, "boom"));
        var r = box.set("VXCC_LOG_LEVEL", "debug").gxx("-c", "a.c");
        assertEquals(0, r.exit());
        assertTrue(r.stderr().contains("HTTP 500"), r.stderr());
        assertTrue(r.stderr().contains("falling back"), r.stderr());
    }

    @Test
    void debugLogTellsARemoteCompileFromACacheHitAndNamesTheDiagnostic() throws Exception {
        box.set("VXCC_LOG_LEVEL", "debug");
        daemon.on("/local/compile", req -> Reply.of("action", "result", "exit", "0", "note", "compiled remotely on 10.0.0.7:8335",
                "file", "a.o", "data", "obj"));
        assertTrue(box.gxx("-c", "a.c", "-o", "a.o").stderr().contains("result: exit 0, compiled remotely on 10.0.0.7:8335\n"));
        daemon.on("/local/compile", req -> Reply.of("action", "result", "exit", "0", "note", "from the shared cache",
                "file", "a.o", "data", "obj"));
        assertTrue(box.gxx("-c", "a.c", "-o", "a.o").stderr().contains("result: exit 0, from the shared cache\n"));
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "remote-diagnostics", "quota", "none",
                "note", "a.c:3:5: warning: unused variable 'x' [-Wunused-variable]"));
        var r = box.gxx("-c", "a.c", "-o", "a.o");
        assertTrue(r.stderr().contains("compiling locally: remote-diagnostics: a.c:3:5: warning: unused variable 'x' [-Wunused-variable]\n"),
                r.stderr());
    }

    @Test
    void aTcpAddressIsNoLongerADaemonAndFallsBack() throws Exception {
        // The daemon serves wrappers only on its Unix socket, where the kernel names the caller.
        var r = box.set("VXCC_DAEMON", "127.0.0.1:8334").set("VXCC_LOG_LEVEL", "debug").gxx("-c", "a.c");
        assertEquals(0, r.exit());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        assertTrue(r.stderr().contains("want the daemon's socket"), r.stderr());
    }

    @Test
    void disabledNeverContactsTheDaemon() throws Exception {
        var r = box.set("VXCC_DISABLE", "1").set("FAKE_EXIT", "7").gxx("-c", "a.c");
        assertEquals(7, r.exit());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        assertTrue(daemon.requests.isEmpty());
    }

    // ------------------------------------------------------------------ the compile request and `local`

    @Test
    void compileRequestCarriesEverythingAndLocalGrantedReleases() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "too small", "quota", "granted"))
                .on("/local/release", req -> new Reply(200, new byte[0]));
        box.set("VXCC_FOO", "bar").set("LC_ALL", "C").set("SECRET", "no").set("FAKE_EXIT", "5")
                .set("FAKE_STDOUT", "compiled");
        var r = box.gxx("-c", "a.cc", "-o", "a.o", "");
        assertEquals(5, r.exit());
        assertEquals("compiled", r.stdout());
        assertEquals(expectedRun("-c", "a.cc", "-o", "a.o", ""), box.compilerRuns());

        var compile = daemon.requests("/local/compile").getFirst().fields();
        assertEquals("version", compile.tags().getFirst());
        assertEquals("1", compile.first("version"));
        assertEquals(box.work.toRealPath().toString(), compile.first("cwd"));
        assertEquals("g++", compile.first("tool"));
        assertEquals(box.compiler().toString(), compile.first("compiler"));
        assertEquals(List.of("-c", "a.cc", "-o", "a.o", ""), compile.all("arg"));
        assertTrue(compile.all("env").contains("VXCC_FOO=bar"), compile.all("env").toString());
        assertTrue(compile.all("env").contains("LC_ALL=C"));
        assertTrue(compile.all("env").contains("LANG=C.UTF-8"));
        assertFalse(compile.all("env").stream().anyMatch(e -> e.startsWith("SECRET") || e.startsWith("PATH")));
        assertEquals("0", compile.first("stderr-tty"));

        var releases = daemon.requests("/local/release");
        assertEquals(1, releases.size());
        assertEquals(compile.first("pid"), releases.getFirst().fields().first("pid"));
    }

    @Test
    void localWaitPollsAcquireUntilGranted() throws Exception {
        var acquires = new AtomicInteger();
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "wait", "kind", "light"))
                .on("/local/acquire", req -> Reply.of("action", acquires.incrementAndGet() < 3 ? "wait" : "granted"))
                .on("/local/release", req -> new Reply(200, new byte[0]));
        var r = box.gxx("-c", "a.c");
        assertEquals(0, r.exit());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        var acq = daemon.requests("/local/acquire");
        assertEquals(3, acq.size());
        String pid = daemon.requests("/local/compile").getFirst().fields().first("pid");
        for (var a : acq) {
            assertEquals(pid, a.fields().first("pid"));
            assertEquals("light", a.fields().first("kind"));
        }
        assertEquals(1, daemon.requests("/local/release").size());
        // The compiler must not start before the quota is granted.
        assertTrue(daemon.requests("/local/release").getFirst().atNanos() > acq.getLast().atNanos());
    }

    @Test
    void localWaitDefaultsToHeavyAndSurvivesTheDaemonDying() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "wait"))
                .on("/local/acquire", req -> Reply.raw(503, "going down"));
        var r = box.set("FAKE_EXIT", "2").gxx("-c", "a.c");
        assertEquals(2, r.exit());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        assertEquals("heavy", daemon.requests("/local/acquire").getFirst().fields().first("kind"));
        assertTrue(daemon.requests("/local/release").isEmpty());
    }

    @Test
    void localWithoutQuotaJustExecs() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "none"));
        var r = box.set("FAKE_EXIT", "1").gxx("-c", "a.c");
        assertEquals(1, r.exit());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        assertEquals(1, daemon.requests.size());
    }

    @Test
    void childKilledBySignalIsReRaised() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "granted"))
                .on("/local/release", req -> new Reply(200, new byte[0]));
        box.set("FAKE_SIGNAL", "SEGV");
        // Run as a child of bash: bash reports a death by signal ("Segmentation fault"), which an
        // exit(139) would not produce, and Process.exitValue() cannot tell the two apart.
        var r = box.run(List.of("/bin/bash", "-c", "\"$0\" \"$@\"; echo status=$?",
                box.sym.resolve("g++").toString(), "-c", "a.c"));
        assertEquals("status=139\n", r.stdout());
        assertTrue(r.stderr().contains("Segmentation fault"), r.stderr());
        assertEquals(1, daemon.requests("/local/release").size());

        // Same through the plain exec paths, and with a signal that is not a crash.
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "none"));
        r = box.set("FAKE_SIGNAL", "TERM").gxx("-c", "a.c");
        assertEquals(128 + 15, r.exit());
    }

    @Test
    void signalToTheShimReachesTheChildAndTheQuotaIsReleased() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "granted"))
                .on("/local/release", req -> new Reply(200, new byte[0]));
        // Far longer than any wait below: only the forwarded signal can end the compiler in time.
        box.set("FAKE_SLEEP", "600");
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        var cmd = List.of(box.sym.resolve("g++").toString(), "-c", "a.c");
        long t0 = System.nanoTime();
        Process p = box.start(cmd, out, err);
        box.awaitCompilerRun(60);
        List<ProcessHandle> compiler = p.descendants().toList();
        try {
            assertFalse(compiler.isEmpty(), "the compiler runs as the shim's child");
            p.destroy(); // SIGTERM to the shim only, as a kill(1) aimed at it would
            // finish() fails if the shim is still waiting for its child after 60 s.
            var r = box.finish(p, cmd, out, err, t0);
            assertEquals(128 + 15, r.exit());
            for (ProcessHandle h : compiler) {
                try {
                    h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the compiler (pid " + h.pid() + ") still runs: the signal never reached it");
                }
            }
            assertEquals(1, daemon.requests("/local/release").size());
        } finally {
            compiler.forEach(ProcessHandle::destroyForcibly);
        }
    }

    // ------------------------------------------------------------------ preprocess / submit / pending / result

    @Test
    void preprocessSubmitThenResultWritesFilesAtomically() throws Exception {
        byte[] object = new byte[200_000];
        for (int i = 0; i < object.length; i++) {
            object[i] = (byte) (i * 31);
        }
        Files.createDirectories(box.work.resolve("obj"));
        Files.writeString(box.work.resolve("obj/a.o"), "stale object");
        daemon.on("/local/compile", req -> Reply.of("action", "preprocess", "task", "t-42", "quota", "granted",
                        "arg", box.compiler().toString(), "arg", "-E", "arg", "a.cc"))
                .on("/local/release", req -> new Reply(200, new byte[0]))
                .on("/local/submit", req -> Reply.of("action", "result", "exit", "0",
                        "stdout", "remote\0out", "stderr", "remote warning\n",
                        "file", "obj/a.o", "data", object, "file", "obj/a.dwo", "data", ""));
        // 3 MB of output and 300 kB on stderr written first: needs both pipes drained together.
        box.set("FAKE_BIG", "3000000").set("FAKE_EXIT", "0");
        var r = box.run(List.of("/bin/bash", "-c", "umask 027; exec \"$0\" \"$@\"",
                box.sym.resolve("g++").toString(), "-c", "a.cc", "-o", "obj/a.o"));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("remote\0out", r.stdout());
        assertEquals("remote warning\n", r.stderr());
        assertArrayEquals(object, Files.readAllBytes(box.work.resolve("obj/a.o")));
        assertEquals(0, Files.size(box.work.resolve("obj/a.dwo")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(box.work.resolve("obj/a.o"))));
        assertEquals(List.of(), leftovers());
        // Only the preprocessor ran locally.
        assertEquals(expectedRun("-E", "a.cc"), box.compilerRuns());

        var submit = daemon.requests("/local/submit").getFirst().fields();
        assertEquals(List.of("task", "pid", "exit", "stderr", "stdout"), submit.tags());
        assertEquals("t-42", submit.first("task"));
        assertEquals(daemon.requests("/local/compile").getFirst().fields().first("pid"), submit.first("pid"));
        assertEquals("0", submit.first("exit"));
        assertEquals("e".repeat(300_000), submit.first("stderr"));
        assertEquals("x".repeat(3_000_000), submit.first("stdout"));
        var release = daemon.requests("/local/release");
        assertEquals(1, release.size());
        assertTrue(release.getFirst().atNanos() < daemon.requests("/local/submit").getFirst().atNanos());
    }

    @Test
    void resultWithNonZeroExitIsPassedThrough() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "result", "exit", "1", "stdout", "",
                "stderr", "a.c:1:1: error: expected ';'\n"));
        var r = box.gxx("-c", "a.c", "-o", "a.o");
        assertEquals(1, r.exit());
        assertEquals("", r.stdout());
        assertEquals("a.c:1:1: error: expected ';'\n", r.stderr());
        assertEquals(List.of(), box.compilerRuns());
        assertFalse(Files.exists(box.work.resolve("a.o")));
    }

    @Test
    void preprocessorFailureAndSignalAreReportedInSubmit() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "preprocess", "task", "t1", "quota", "none",
                        "arg", box.compiler().toString(), "arg", "-E", "arg", "a.c"))
                .on("/local/submit", req -> Reply.of("action", "result", "exit", "0", "stdout", "", "stderr", ""));
        var r = box.set("FAKE_SIGNAL", "SEGV").set("FAKE_STDERR", "dying").gxx("-c", "a.c");
        assertEquals(0, r.exit());
        var submit = daemon.requests("/local/submit").getFirst().fields();
        assertEquals("139", submit.first("exit"));
        assertEquals("dying", submit.first("stderr"));
        assertEquals("", submit.first("stdout"));
        assertTrue(daemon.requests("/local/release").isEmpty());
    }

    @Test
    void preprocessWithQuotaWaitAcquiresLight() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "preprocess", "task", "t1", "quota", "wait",
                        "arg", box.compiler().toString(), "arg", "-E", "arg", "a.c"))
                .on("/local/acquire", req -> Reply.of("action", "granted"))
                .on("/local/release", req -> new Reply(200, new byte[0]))
                .on("/local/submit", req -> Reply.of("action", "result", "exit", "0", "stdout", "", "stderr", ""));
        var r = box.gxx("-c", "a.c");
        assertEquals(0, r.exit());
        assertEquals("light", daemon.requests("/local/acquire").getFirst().fields().first("kind"));
        assertEquals(1, daemon.requests("/local/release").size());
    }

    @Test
    void pendingLoopsOnWaitUntilResult() throws Exception {
        var waits = new AtomicInteger();
        daemon.on("/local/compile", req -> Reply.of("action", "pending", "task", "t-7"))
                .on("/local/wait", req -> waits.incrementAndGet() < 3
                        ? Reply.of("action", "pending", "task", "t-7")
                        : Reply.of("action", "result", "exit", "0", "stdout", "hi", "stderr", "",
                                "file", "a.o", "data", "OBJ"));
        var r = box.gxx("-c", "a.c", "-o", "a.o");
        assertEquals(0, r.exit());
        assertEquals("hi", r.stdout());
        assertEquals("OBJ", Files.readString(box.work.resolve("a.o")));
        var w = daemon.requests("/local/wait");
        assertEquals(3, w.size());
        String pid = daemon.requests("/local/compile").getFirst().fields().first("pid");
        for (var req : w) {
            assertEquals("t-7", req.fields().first("task"));
            assertEquals(pid, req.fields().first("pid"));
        }
        assertEquals(List.of(), box.compilerRuns());
    }

    @Test
    void resultThatCannotBeWrittenFallsBackToLocal() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "result", "exit", "0", "stdout", "remote", "stderr", "",
                "file", "a.o", "data", "OBJ", "file", "no/such/dir/a.dwo", "data", "DWO"));
        var r = box.gxx("-c", "a.c", "-o", "a.o");
        assertEquals(0, r.exit());
        assertEquals("", r.stdout());
        assertEquals(expectedRun("-c", "a.c", "-o", "a.o"), box.compilerRuns());
        assertEquals("object from fake compiler\n", Files.readString(box.work.resolve("a.o")));
        assertEquals(List.of(), leftovers());
    }

    // ------------------------------------------------------------------ modes and commands

    @Test
    void masqueradeSkipsItselfAndOtherWrappers() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("ccache-bin"));
        Path ccache = other.resolve("ccache");
        Files.writeString(ccache, "#!/bin/sh\nexit 99\n");
        Files.setPosixFilePermissions(ccache, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(other.resolve("g++"), ccache);
        // A second link to the shim under another directory must be skipped too.
        Path again = Files.createDirectories(tmp.resolve("again"));
        Files.createSymbolicLink(again.resolve("g++"), box.sym.resolve("g++"));
        box.set("PATH", box.sym + ":" + again + ":" + other + ":" + box.real + ":/usr/bin:/bin");
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "none"));
        var r = box.gxx("-c", "a.c");
        assertEquals(0, r.exit());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        assertEquals(box.compiler().toString(), daemon.requests.getFirst().fields().first("compiler"));
    }

    @Test
    void directModeSearchesPathOrTakesAPath() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "none"));
        box.set("PATH", box.real + ":/usr/bin:/bin");
        var r = box.run(List.of(Sandbox.SHIM.toString(), "g++", "-c", "a.c"));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        var f = daemon.requests.getFirst().fields();
        assertEquals("g++", f.first("tool"));
        assertEquals(box.compiler().toString(), f.first("compiler"));
        assertEquals(List.of("-c", "a.c"), f.all("arg"));

        box.clearLog();
        box.set("PATH", "/usr/bin:/bin");
        r = box.run(List.of(Sandbox.SHIM.toString(), box.compiler().toString(), "-O2", "-c", "b.c"));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(expectedRun("-O2", "-c", "b.c"), box.compilerRuns());
        assertEquals(box.compiler().toString(), daemon.requests.getLast().fields().first("compiler"));
    }

    /** The README's set-up (links first in PATH) plus -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc: CMake hands us our own link. */
    @Test
    void aLauncherGivenItsOwnSymlinkRunsTheRealCompilerOnce() throws Exception {
        daemon.on("/local/compile", req -> Reply.of("action", "local", "reason", "r", "quota", "none"));
        var r = box.run(List.of(Sandbox.SHIM.toString(), box.sym.resolve("g++").toString(), "-c", "a.c"));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(expectedRun("-c", "a.c"), box.compilerRuns());
        assertEquals(1, daemon.requests("/local/compile").size(), "one request, not one per hop through the shim");
        assertEquals(box.compiler().toString(), daemon.requests.getFirst().fields().first("compiler"));
    }

    @Test
    void missingCompilerAndMissingArguments() throws Exception {
        box.set("PATH", box.sym.toString());
        var r = box.gxx("-c", "a.c");
        assertEquals(127, r.exit());
        assertEquals("vxcc: cannot find the real 'g++' in PATH\n", r.stderr());

        r = box.run(List.of(Sandbox.SHIM.toString()));
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains("usage"));
        assertTrue(daemon.requests.isEmpty());
    }

    @Test
    void versionAndHelp() throws Exception {
        var r = box.run(List.of(Sandbox.SHIM.toString(), "--version"));
        assertEquals(0, r.exit());
        // The Maven project version, as vxcc-node --version prints it (NodeMainTest).
        assertEquals("vxcc " + System.getProperty("vxcc.version") + " (wrapper protocol 1)\n", r.stdout());
        r = box.run(List.of(Sandbox.SHIM.toString(), "--help"));
        assertEquals(0, r.exit());
        assertTrue(r.stdout().contains("install-symlinks"));
        // Every variable the shim or the daemon reads from a build's environment.
        for (String v : List.of("VXCC_DAEMON", "VXCC_DISABLE", "VXCC_DISTRIBUTE", "VXCC_CACHE_CONTROL", "VXCC_BASE_DIR",
                "VXCC_LOG_LEVEL", "VXCC_REAL_COMPILER_DIR", "VXCC_JAVA_OPTS")) {
            assertTrue(r.stdout().contains(v + "="), v + " missing from --help:\n" + r.stdout());
        }
    }

    @Test
    void anUnknownLogLevelIsWarnedAboutOnceNotIgnored() throws Exception {
        box.env.put("VXCC_LOG_LEVEL", "verbose");
        var r = box.run(List.of(Sandbox.SHIM.toString(), "--version"));
        assertEquals(0, r.exit());
        assertEquals("vxcc: unknown VXCC_LOG_LEVEL 'verbose' (want debug, or info for quiet); ignoring it\n", r.stderr());
        box.env.put("VXCC_LOG_LEVEL", "info");
        assertEquals("", box.run(List.of(Sandbox.SHIM.toString(), "--version")).stderr());
    }

    @Test
    void installSymlinksCreatesReplacesAndRefuses() throws Exception {
        Path dir = tmp.resolve("links/deep");
        var r = box.run(List.of(Sandbox.SHIM.toString(), "install-symlinks", dir.toString()));
        assertEquals(0, r.exit(), r.stderr());
        Path self = Sandbox.SHIM.toRealPath();
        for (String name : List.of("gcc", "g++", "cc", "c++", "clang", "clang++", "vxcc")) {
            assertEquals(self, Files.readSymbolicLink(dir.resolve(name)), name);
        }
        assertTrue(r.stdout().contains("created"));
        // With only DIR on PATH the README's next step, `vxcc --stats`, and launcher use must find vxcc.
        var viaLink = box.run(List.of(dir.resolve("vxcc").toString(), "--version"));
        assertEquals(0, viaLink.exit(), viaLink.stderr());

        Files.delete(dir.resolve("cc"));
        Files.createSymbolicLink(dir.resolve("cc"), Path.of("/usr/bin/ccache"));
        Files.delete(dir.resolve("clang"));
        Files.writeString(dir.resolve("clang"), "precious");
        r = box.run(List.of(Sandbox.SHIM.toString(), "install-symlinks", dir.toString()));
        assertEquals(1, r.exit());
        assertEquals(self, Files.readSymbolicLink(dir.resolve("cc")));
        assertEquals("precious", Files.readString(dir.resolve("clang")));
        assertTrue(r.stdout().contains("replaced"), r.stdout());
        assertTrue(r.stderr().contains("not a symlink"), r.stderr());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void statsPrintsTheDaemonsBody() throws Exception {
        daemon.on("/local/stats", req -> req.uri().endsWith("?format=json")
                ? Reply.raw(200, "{\"hits\":3}\n")
                : Reply.raw(200, "hits 3\nmisses 1\n"));
        var r = box.run(List.of(Sandbox.SHIM.toString(), "--stats"));
        assertEquals(0, r.exit());
        assertEquals("hits 3\nmisses 1\n", r.stdout());
        r = box.run(List.of(Sandbox.SHIM.toString(), "--stats", "--json"));
        assertEquals(0, r.exit());
        assertEquals("{\"hits\":3}\n", r.stdout());
        assertEquals("GET", daemon.requests.getLast().method());

        box.set("VXCC_DAEMON", noDaemon());
        r = box.run(List.of(Sandbox.SHIM.toString(), "--stats"));
        assertEquals(2, r.exit());
        assertTrue(r.stderr().startsWith("vxcc: cannot get statistics"), r.stderr());
    }
}
