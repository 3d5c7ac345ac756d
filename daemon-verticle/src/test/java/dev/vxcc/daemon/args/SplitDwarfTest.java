package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.servant.ServantArgsPolicy;
import dev.vxcc.testkit.Toolchains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Split DWARF: never on the preprocessed-text path, a source tree when enabled, and that tree lists
 * the .dwo exactly where the real compiler writes it (checked against gcc and clang themselves).
 */
class SplitDwarfTest {
    private static final Path CWD = Path.of("/home/u/proj/b");

    private static List<String> split(String s) {
        return Arrays.asList(s.trim().split(" +"));
    }

    private static Decision classify(String family, String args, Path cwd, boolean sourceTree) {
        String tool = family.equals("gcc") ? "gcc" : "clang";
        return ArgumentClassifier.classify(tool, Path.of("/usr/bin/" + tool), split(args), cwd, sourceTree);
    }

    /** The .dwo (relative to the cwd) a source tree lists, or "-" for none. */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "gcc   | -g -O2 -gsplit-dwarf -c ../src/a.c -o ../out/x.o           | ../out/x.dwo",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c                             | a.dwo",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c -o x.obj                    | x.dwo",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c -o x.tar.o                  | x.tar.dwo",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c -o noext                    | noext.dwo",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c -o .o                       | .o.dwo",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c -o /abs/dir/y.o             | /abs/dir/y.dwo",
            "gcc   | -g -gsplit-dwarf -S ../src/a.c -o ../out/q.s               | -",
            "gcc   | -gsplit-dwarf -c ../src/a.c -o x.o                         | x.dwo",
            "clang | -g -O2 -gsplit-dwarf -c ../src/a.c -o ../out/x.o           | ../out/x.dwo",
            "clang | -g -gsplit-dwarf=split -c ../src/a.c -o ../out/x.o         | ../out/x.dwo",
            "clang | -g -gsplit-dwarf=single -c ../src/a.c -o ../out/x.o        | -",
            "clang | -g -gsplit-dwarf -c ../src/a.c                             | a.dwo",
            "clang | -g -gsplit-dwarf -c ../src/a.c -o .o                       | .dwo",
            "clang | -g -gsplit-dwarf -S ../src/a.c -o ../out/q.s               | a.dwo",
            "clang | -g -gsplit-dwarf -fsplit-dwarf-inlining -c ../src/a.c -o i.o | i.dwo",
            "clang | -g -gdwarf-4 -gsplit-dwarf -c ../src/a.c -o ../out/x.o     | ../out/x.dwo",
            "clang | -g -gsplit-dwarf -c ../src/a.c -o x.o -fdebug-compilation-dir=/elsewhere | x.dwo"})
    void aSourceTreeListsTheDwoWhereTheCompilerWritesIt(String family, String args, String dwo) {
        assertEquals(LocalReason.SPLIT_DWARF, assertInstanceOf(Decision.Local.class, classify(family, args, CWD, false)).reason(),
                "local without source trees");
        Decision.Remote tree = assertInstanceOf(Decision.Remote.class, classify(family, args, CWD, true));
        assertTrue(tree.sourceTree());
        assertEquals(split(args), tree.remoteArgs(), "the user's own argv");
        assertTrue(tree.preprocessArgs().stream().noneMatch(a -> a.contains("split-dwarf")), "the dependency pass writes no .dwo");
        List<String> dwos = tree.extraOutputs().stream().filter(o -> o.endsWith(".dwo") && !o.equals(tree.outputPath().toString())).toList();
        assertEquals(dwo.equals("-") ? List.of() : List.of(CWD.resolve(dwo).normalize().toString()), dwos, tree.extraOutputs().toString());
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "gcc   | -g -gsplit-dwarf=split -c a.c -o a.o                        | gcc does not accept",
            "gcc   | -g -gsplit-dwarf=single -c a.c -o a.o                       | gcc does not accept",
            "gcc   | -g -gsplit-dwarf -fsplit-dwarf-inlining -c a.c -o a.o       | gcc does not accept",
            "clang | -g -gsplit-dwarf=both -c a.c -o a.o                         | =split and =single",
            "clang | -g -gsplit-dwarf=single -gsplit-dwarf -c a.c -o a.o         | mixed",
            "clang | -g -gsplit-dwarf -c a.c -fdebug-compilation-dir=/zz         | -fdebug-compilation-dir",
            "clang | -g -gsplit-dwarf -S a.c -o a.s -ffile-compilation-dir=/zz/  | -fdebug-compilation-dir",
            "gcc   | -g -gsplit-dwarf -c a.c -o a.dwo                            | the output itself",
            "clang | -g -gsplit-dwarf -c a.c -o a.dwo                            | the output itself"})
    void oddVariantsStayLocalEvenWithSourceTrees(String family, String args, String why) {
        for (boolean sourceTree : List.of(false, true)) {
            Decision.Local l = assertInstanceOf(Decision.Local.class, classify(family, args, CWD, sourceTree));
            assertEquals(LocalReason.UNSUPPORTED_OPTION, l.reason(), l.detail());
            assertTrue(l.detail().contains(why), l.detail());
        }
    }

    @Test
    void aServantStillRefusesSplitDwarfOnThePreprocessedPath() {
        for (String opt : List.of("-gsplit-dwarf", "-gsplit-dwarf=single", "-fsplit-dwarf-inlining")) {
            String why = ServantArgsPolicy.check(List.of("-O2", "-g", opt, "-c", "-x", "c")).orElseThrow();
            assertTrue(why.contains(opt) && why.contains("split-dwarf"), why);
        }
    }

    @Test
    void withoutSplitDwarfNothingChanges() {
        assertFalse(assertInstanceOf(Decision.Remote.class, classify("gcc", "-g -gno-split-dwarf -c a.c -o a.o", CWD, true)).sourceTree());
    }

    /**
     * The rule against the compilers themselves: every file a local compile writes is one the
     * source tree lists (the servant ships only those that exist, so a listed .dwo the compiler
     * did not write, as clang without -g, costs nothing).
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "gcc   | -g -O2 -gsplit-dwarf -c ../src/a.c -o ../out/x.o",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c -MD",
            "gcc   | -gsplit-dwarf -c ../src/a.c -o x.obj",
            "gcc   | -g -gsplit-dwarf -c ../src/a.c -o .o",
            "gcc   | -g -gsplit-dwarf -S ../src/a.c -o ../out/q.s",
            "gcc   | -g -gdwarf-4 -gsplit-dwarf -c ../src/a.c -o noext",
            "clang | -g -O2 -gsplit-dwarf -c ../src/a.c -o ../out/x.o -MD",
            "clang | -g -gsplit-dwarf=single -c ../src/a.c -o ../out/x.o",
            "clang | -g -gsplit-dwarf -c ../src/a.c -o .o",
            "clang | -g -gsplit-dwarf -S ../src/a.c -o ../out/q.s",
            "clang | -gsplit-dwarf -c ../src/a.c -o x.o",
            "clang | -g -gsplit-dwarf -fsplit-dwarf-inlining -gdwarf-4 -c ../src/a.c"})
    void theListedFilesAreTheOnesTheCompilerWrites(String family, String args, @TempDir Path tmp) throws Exception {
        Path compiler = Path.of("/usr/bin/" + family);
        Toolchains.require(Files.isExecutable(compiler), compiler.toString());
        Path cwd = Files.createDirectories(tmp.resolve("b"));
        Files.createDirectories(tmp.resolve("out"));
        Files.createDirectories(tmp.resolve("src"));
        Files.writeString(tmp.resolve("src/a.c"), "static int g(int y) { return y + 1; }\nint f(int x) { return g(x) * 2; }\n");
        Decision.Remote tree = assertInstanceOf(Decision.Remote.class, classify(family, args, cwd, true));
        List<String> cmd = new ArrayList<>(List.of(compiler.toString()));
        cmd.addAll(split(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Set<String> written = new TreeSet<>();
        try (Stream<Path> s = Files.walk(tmp)) {
            s.filter(Files::isRegularFile).filter(f -> !f.startsWith(tmp.resolve("src"))).forEach(f -> written.add(f.toString()));
        }
        assertTrue(tree.extraOutputs().containsAll(written), "written " + written + ", listed " + tree.extraOutputs());
        if (!split(args).contains("-gsplit-dwarf=single") && split(args).contains("-g") && family.equals("clang")
                || family.equals("gcc") && split(args).contains("-c")) {
            assertTrue(written.stream().anyMatch(f -> f.endsWith(".dwo")), "a .dwo was written: " + written);
        }
    }
}
