package dev.vxcc.wrapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.wrapper.FakeDaemon.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vxcc doctor} and {@code vxcc --explain}: the shim only sends what it alone sees and prints
 * the daemon's answer; the checks themselves are the daemon's (tested there).
 */
class DoctorShimTest {
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

    @Test
    void doctorSendsThePathAndTheRelevantEnvironmentAndPrintsTheAnswer() throws Exception {
        daemon.on("/local/doctor", req -> Reply.of("exit", "0", "text", "OK   daemon: reachable\nWARN cache: none\n"));
        box.set("PATH", box.sym + ":/usr/bin:/bin");
        box.set("CCACHE_PREFIX", "vxcc");
        box.set("CMAKE_CXX_COMPILER_LAUNCHER", "ccache");
        box.set("UNRELATED_SECRET", "s3cret");
        var r = box.run(List.of(Sandbox.SHIM.toString(), "doctor"));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("OK   daemon: reachable\nWARN cache: none\n", r.stdout());
        var req = daemon.requests.getFirst();
        assertEquals("POST", req.method());
        assertEquals("/local/doctor", req.path());
        var f = req.fields();
        assertEquals(Sandbox.SHIM.toRealPath().toString(), f.first("self"));
        assertEquals(box.sym + ":/usr/bin:/bin", f.first("path"));
        assertEquals(daemon.address(), f.first("socket"));
        assertTrue(f.all("env").contains("CCACHE_PREFIX=vxcc"), f.all("env").toString());
        assertTrue(f.all("env").contains("CMAKE_CXX_COMPILER_LAUNCHER=ccache"), f.all("env").toString());
        assertFalse(f.all("env").stream().anyMatch(e -> e.startsWith("UNRELATED_SECRET")), f.all("env").toString());
    }

    @Test
    void doctorExitsWithTheDaemonsCode() throws Exception {
        daemon.on("/local/doctor", req -> Reply.of("exit", "1", "text", "FAIL scheduler: no cluster view\n"));
        var r = box.run(List.of(Sandbox.SHIM.toString(), "doctor"));
        assertEquals(1, r.exit());
        assertEquals("FAIL scheduler: no cluster view\n", r.stdout());
    }

    @Test
    void doctorWithoutADaemonSaysHowToStartIt() throws Exception {
        String socket = tmp.resolve("nobody-here.sock").toString();
        box.set("VXCC_DAEMON", socket);
        var r = box.run(List.of(Sandbox.SHIM.toString(), "doctor"));
        assertEquals(1, r.exit());
        assertEquals("FAIL daemon: not reachable at " + socket + " (connect: No such file or directory): start it with"
                + " `vxcc-node run all` (one machine) or `vxcc-node run daemon ...`, or point VXCC_DAEMON at its socket\n", r.stdout());
    }

    @Test
    void doctorAgainstADaemonThatDoesNotKnowIt() throws Exception {
        var r = box.run(List.of(Sandbox.SHIM.toString(), "doctor"));
        assertEquals(1, r.exit());
        assertTrue(r.stdout().startsWith("FAIL daemon: at " + daemon.address() + ", but the daemon answered HTTP 404"), r.stdout());
    }

    @Test
    void explainAsksAndRunsNothing() throws Exception {
        daemon.on("/local/explain", req -> Reply.of("text", "where:   local (not-a-compile): no -c or -S\n"));
        box.set("PATH", box.real + ":/usr/bin:/bin");
        var r = box.run(List.of(Sandbox.SHIM.toString(), "--explain", "--", "g++", "a.c", "-o", "a"));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("where:   local (not-a-compile): no -c or -S\n", r.stdout());
        assertEquals(List.of(), box.compilerRuns());
        assertFalse(Files.exists(box.work.resolve("a")));
        assertEquals(1, daemon.requests.size());
        var f = daemon.requests.getFirst().fields();
        assertEquals("g++", f.first("tool"));
        assertEquals(box.compiler().toString(), f.first("compiler"));
        assertEquals(List.of("a.c", "-o", "a"), f.all("arg"));
        assertEquals(box.work.toRealPath().toString(), f.first("cwd"));
    }

    @Test
    void explainWithoutADaemonOrACompile() throws Exception {
        box.set("PATH", box.real + ":/usr/bin:/bin");
        box.set("VXCC_DAEMON", tmp.resolve("nobody-here.sock").toString());
        var r = box.run(List.of(Sandbox.SHIM.toString(), "--explain", "g++", "-c", "a.c"));
        assertEquals(1, r.exit());
        assertTrue(r.stderr().startsWith("vxcc: cannot ask the daemon at "), r.stderr());
        assertEquals(List.of(), box.compilerRuns());

        r = box.run(List.of(Sandbox.SHIM.toString(), "--explain", "--"));
        assertEquals(2, r.exit());
        assertEquals("vxcc: --explain needs a compile, e.g. vxcc --explain -- g++ -c a.cc -o a.o\n", r.stderr());
    }
}
