package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import dev.vxcc.daemon.servant.SourceInput;

/** Runs the real compiler the way the wrapper and the servant would, to check byte-identity. */
final class FidelitySupport {

    private FidelitySupport() {
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A project with a source that includes two local headers and a system header. */
    static Path writeProject(Path root, String ext) throws IOException {
        Path proj = root.resolve("proj");
        Files.createDirectories(proj.resolve("src"));
        Files.createDirectories(proj.resolve("inc"));
        Files.createDirectories(proj.resolve("out"));
        Files.writeString(proj.resolve("inc/a.h"), """
                #pragma once
                #define SQUARE(x) ((x) * (x))
                static inline int twice(int x) { return 2 * x; }
                """);
        if (ext.equals("c")) {
            Files.writeString(proj.resolve("inc/b.h"), """
                    #pragma once
                    #include <stdio.h>
                    #define LOG(v) printf("%s:%d %d\\n", __FILE__, __LINE__, (v))
                    """);
            Files.writeString(proj.resolve("src/m.c"), """
                    #include "a.h"
                    #include "b.h"
                    int f(int y) {   LOG(SQUARE(y)); return twice(y) + __COUNTER__; }
                    int main(void) { return f(NVAL); }
                    """);
        } else {
            Files.writeString(proj.resolve("inc/b.h"), """
                    #pragma once
                    #include <vector>
                    template <class T> T sum(const std::vector<T>& v) { T s{}; for (auto& e : v) s += e; return s; }
                    #define LOG(v) __builtin_printf("%s:%d %d\\n", __FILE__, __LINE__, (v))
                    """);
            Files.writeString(proj.resolve("src/m.cpp"), """
                    #include "a.h"
                    #include "b.h"
                    int f(int y) { std::vector<int> v{1, 2, 3, y};   LOG(SQUARE(y)); return sum(v) + twice(y); }
                    int main() { return f(NVAL); }
                    """);
        }
        return proj;
    }

    /**
     * Like {@link #writeProject} plus what debug info and the file-as-source recipe are sensitive
     * to: a source in a subdirectory, __FILE__/__LINE__/__COUNTER__, diagnostic pragmas in both
     * spellings (the build uses -Wall -Werror), #pragma once in the main file, a command-line
     * macro used in code and a header that is included twice.
     */
    static Path writeDebugProject(Path root, String ext) throws IOException {
        Path proj = writeProject(root, ext);
        Files.createDirectories(proj.resolve("build"));
        String lang = ext.equals("c") ? "" : "static_assert(sizeof(int) >= 2, \"int\");\n";
        Files.writeString(proj.resolve("src/d." + ext), """
                #include "a.h"
                #include "a.h"
                #include "b.h"
                #pragma GCC diagnostic push
                #pragma GCC diagnostic ignored "-Wunused-variable"
                _Pragma("GCC diagnostic ignored \\"-Wunused-parameter\\"")
                static const char *where(int unused_param) { int unused_var; return __FILE__; }
                #pragma GCC diagnostic pop
                struct pos { const char *file; int line; int counter; };
                struct pos here(void) { struct pos p = { __FILE__, __LINE__, __COUNTER__ }; return p; }
                int g(int y) {
                    LOG(SQUARE(y) +
                        twice(y));
                    return NVAL + __COUNTER__ + (where(y) != 0);
                }
                """ + lang);
        return proj;
    }

    static String run(List<String> command, Path dir, Path stdin, Path stdout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        Path err = Files.createTempFile("vxcc-fidelity", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "compiler timed out: " + command);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(err);
        assertEquals(0, p.exitValue(), () -> command + " in " + dir + " failed:\n" + stderr);
        return stderr;
    }

    static List<String> cmd(Path compiler, List<String> args, String... more) {
        List<String> c = new ArrayList<>();
        c.add(compiler.toString());
        c.addAll(args);
        c.addAll(List.of(more));
        return c;
    }

    /**
     * Compiles locally, then through the distributed recipe (first or fallback attempt), and
     * compares the object and, if named, the dependency file.
     *
     * @param output   the object path relative to the project, as the local command writes it
     * @param depFile  the dependency file relative to the project, or null
     */
    static void assertIdentical(String tool, Path compiler, Path proj, Path servantDir, List<String> args,
                                String output, String depFile, boolean fallback) throws Exception {
        run(cmd(compiler, args), proj, null, null);
        byte[] localObject = Files.readAllBytes(proj.resolve(output));
        byte[] localDeps = depFile == null ? null : Files.readAllBytes(proj.resolve(depFile));
        Files.delete(proj.resolve(output));
        if (depFile != null) {
            Files.delete(proj.resolve(depFile));
        }

        Decision d = ArgumentClassifier.classify(tool, compiler, args, proj);
        Decision.Remote r = assertInstanceOf(Decision.Remote.class, d, () -> "expected remote: " + d);
        assertEquals(proj.resolve(output), r.outputPath());
        List<String> pre = fallback ? r.fallbackPreprocessArgs() : r.preprocessArgs();
        List<String> remote = fallback ? r.fallbackRemoteArgs() : r.remoteArgs();
        assertTrue(!pre.isEmpty() && !remote.isEmpty(), "recipe missing");

        Path preprocessed = servantDir.resolve("input.pp");
        Files.createDirectories(servantDir);
        run(cmd(compiler, pre), proj, null, preprocessed);
        if (depFile != null) {
            assertTrue(Files.exists(proj.resolve(depFile)), "preprocessing did not write " + depFile);
            assertEquals(new String(localDeps, StandardCharsets.UTF_8),
                    Files.readString(proj.resolve(depFile), StandardCharsets.UTF_8));
        }
        Path work = Files.createDirectories(servantDir.resolve("work"));
        Path remoteOutput = work.resolve("out" + r.outputSuffix());
        if (r.fileAsSource() && !fallback) {
            SourceInput.Prepared p = SourceInput.prepare(servantDir.resolve("src"), compiler, remote, r.inputPath(),
                    r.clientCwd(), remoteOutput, Files.readAllBytes(preprocessed));
            run(p.command(), p.cwd(), null, null);
        } else {
            run(cmd(compiler, remote, "-", "-o", "out" + r.outputSuffix()), work, preprocessed, null);
        }
        byte[] remoteObject = Files.readAllBytes(remoteOutput);
        assertArrayEquals(localObject, remoteObject, () -> "object differs for " + args + " (fallback=" + fallback + ")");
        assertTrue(Files.notExists(proj.resolve(output)), "preprocessing must not write the object");
    }

    /** A test's argument template with {@code $PROJ} replaced by the project directory. */
    static List<String> args(String template, Path proj) {
        List<String> out = new ArrayList<>();
        for (String a : template.trim().split(" +")) {
            out.add(a.replace("$PROJ", proj.toString()));
        }
        return out;
    }
}
