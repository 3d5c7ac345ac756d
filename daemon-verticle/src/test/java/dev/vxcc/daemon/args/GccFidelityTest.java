package dev.vxcc.daemon.args;

import static dev.vxcc.daemon.args.FidelitySupport.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.vxcc.daemon.servant.SourceInput;
import dev.vxcc.testkit.Toolchains;
import java.nio.file.Files;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Byte-identity of the gcc recipe against a plain local compile with the installed g++/gcc. */
class GccFidelityTest {

    private static Path gxx;
    private static Path gcc;

    @BeforeAll
    static void findGcc() {
        gxx = FidelitySupport.onPath("g++").orElse(null);
        gcc = FidelitySupport.onPath("gcc").orElse(null);
        Toolchains.require(gxx != null && gcc != null, "gcc and g++ on PATH");
    }

    @ParameterizedTest(name = "[{index}] {0} fallback={3}")
    @CsvSource(delimiter = '|', value = {
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c $PROJ/src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c src/m.cpp -o out/m.o | out/m.o | out/m.d | true",
            "-O2 -Iinc -DNVAL=3 -MMD -c src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MD -c $PROJ/src/m.cpp -o $PROJ/out/m.o | out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MMD -MP -MT y -c src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-Iinc -DNVAL=3 -Wp,-MD,out/k.d -O2 -c src/m.cpp -o out/m.o | out/m.o | out/k.d | false",
            "-Iinc -DNVAL=3 -MD -O2 -c src/m.cpp | m.o | m.d | false",
            "-O0 -Iinc -DNVAL=3 -c src/m.cpp -o out/m.o | out/m.o | | false",
            "-O3 -fPIC -std=c++20 -Wall -Wextra -DNDEBUG -Iinc -DNVAL=3 -c src/m.cpp -o out/m.o | out/m.o | | false",
            "-O2 -g -gno-record-gcc-switches -Iinc -DNVAL=3 -c src/m.cpp -o out/m.o | out/m.o | | false",
            "-O2 -g1 -gno-record-gcc-switches -Iinc -DNVAL=3 -c $PROJ/src/m.cpp -o out/m.o | out/m.o | | false",
            "-O2 -Iinc -DNVAL=3 -S src/m.cpp -o out/m.s | out/m.s | | false"})
    void cxx(String template, String output, String depFile, boolean fallback, @TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeProject(tmp, "cpp");
        FidelitySupport.assertIdentical("g++", gxx, proj, tmp.resolve("servant"), args(template, proj), output,
                depFile, fallback);
    }

    @ParameterizedTest(name = "[{index}] {0} fallback={2}")
    @CsvSource(delimiter = '|', value = {
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c src/m.c -o out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c $PROJ/src/m.c -o out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c $PROJ/src/m.c -o out/m.o | out/m.d | true",
            "-O0 -fPIC -Iinc -DNVAL=3 -c src/m.c -o out/m.o | | false",
            "-O2 -g -gno-record-gcc-switches -Iinc -DNVAL=3 -c $PROJ/src/m.c -o out/m.o | | false"})
    void c(String template, String depFile, boolean fallback, @TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeProject(tmp, "c");
        FidelitySupport.assertIdentical("gcc", gcc, proj, tmp.resolve("servant"), args(template, proj), "out/m.o",
                depFile, fallback);
    }

    /**
     * gcc -g with the default -grecord-gcc-switches: compiled remotely as ordinary source from a
     * file, so DW_AT_producer, DW_AT_name, DW_AT_comp_dir and the line table match. A leading
     * "build:" runs the command in proj/build instead of proj.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "g++ | -O2 -g -Iinc -DNVAL=3 -c src/d.cpp -o out/d.o | out/d.o | ",
            "g++ | -O2 -g -Iinc -DNVAL=3 -c $PROJ/src/d.cpp -o out/d.o | out/d.o | ",
            "g++ | -O0 -g -Wall -Wextra -Werror -Iinc -DNVAL=3 -c src/d.cpp -o out/d.o | out/d.o | ",
            "g++ | -O2 -g1 -Iinc -DNVAL=3 -c src/d.cpp -o out/d.o | out/d.o | ",
            "g++ | -O2 -g2 -gdwarf-4 -Iinc -DNVAL=3 -c $PROJ/src/d.cpp -o out/d.o | out/d.o | ",
            "g++ | -O2 -g -gdwarf-5 -fPIC -ffunction-sections -fdata-sections -Iinc -DNVAL=3 -DEXTRA=1 -UNOPE -U__OPTIMIZE__ -c src/d.cpp -o out/d.o | out/d.o | ",
            "g++ | -O2 -g -pthread -std=c++20 -Iinc -DNVAL=3 -MD -MF out/d.d -c src/d.cpp -o out/d.o | out/d.o | out/d.d",
            "g++ | -O2 -g -Iinc -DNVAL=3 -S src/d.cpp -o out/d.s | out/d.s | ",
            "g++ | -O2 -g -Iinc -DNVAL=3 -MMD -c src/d.cpp | d.o | d.d",
            "g++ | -O2 -g -x c++ -Iinc -DNVAL=3 -c src/d.cpp -o out/d.o | out/d.o | ",
            "g++ | build: -O2 -g -I../inc -DNVAL=3 -c ../src/d.cpp -o d.o | d.o | ",
            "g++ | build: -O2 -g -I../inc -DNVAL=3 -c $PROJ/src/d.cpp -o ../out/d.o | ../out/d.o | ",
            "gcc | -O2 -g -Iinc -DNVAL=3 -c src/d.c -o out/d.o | out/d.o | ",
            "gcc | -O0 -g -fPIC -Wall -Werror -Iinc -DNVAL=3 -c $PROJ/src/d.c -o out/d.o | out/d.o | ",
            "gcc | -O2 -g -gdwarf-4 -std=gnu11 -ffunction-sections -Iinc -DNVAL=3 -c src/d.c -o out/d.o | out/d.o | ",
            "gcc | build: -O2 -g1 -I../inc -DNVAL=3 -c ../src/d.c -o ../out/d.o | ../out/d.o | ",
            "gcc | -O1 -g -Iinc -DNVAL=3 -S $PROJ/src/d.c -o out/d.s | out/d.s | "})
    void recordedSwitchesCompileAsSource(String tool, String template, String output, String depFile,
                                         @TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeDebugProject(tmp, tool.equals("gcc") ? "c" : "cpp");
        Path cwd = proj;
        if (template.startsWith("build:")) {
            cwd = proj.resolve("build");
            template = template.substring("build:".length());
        }
        Path compiler = tool.equals("gcc") ? gcc : gxx;
        List<String> args = args(template, proj);
        Decision.Remote r = assertInstanceOf(Decision.Remote.class, ArgumentClassifier.classify(tool, compiler, args, cwd));
        assertEquals(Decision.InputMode.FILE_AS_SOURCE, r.inputMode());
        assertFalse(r.remoteArgs().contains("-fpreprocessed"));
        FidelitySupport.assertIdentical(tool, compiler, cwd, tmp.resolve("servant"), args, output, depFile, false);
    }

    /** What the recipe was not verified for, or cannot reproduce, keeps compiling locally. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "-O2 -g3 -c src/d.cpp | DEBUG_MACRO_INFO",
            "-O2 -g -fdebug-prefix-map=/x=/y -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -ffile-prefix-map=/x=/y -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -fmacro-prefix-map=/x=/y -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -undef -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -fno-working-directory -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -fworking-directory -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -H -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -c src//d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -c ./src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -c src/../src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -frecord-gcc-switches -c src/d.cpp | DEBUG_INFO_RECORDS_SWITCHES",
            "-O2 -g -gsplit-dwarf -c src/d.cpp | SPLIT_DWARF"})
    void recordedSwitchesStayLocalWhenUnverified(String template, LocalReason reason, @TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeDebugProject(tmp, "cpp");
        Decision d = ArgumentClassifier.classify("g++", gxx, args(template, proj), proj);
        Decision.Local l = assertInstanceOf(Decision.Local.class, d);
        assertEquals(reason, l.reason(), l::detail);
    }

    /** The daemon only trusts a remote exit code of 0, so a failing compile must fail remotely too. */
    @Test
    void warningsAsErrorsFailOnBothSides(@TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeDebugProject(tmp, "cpp");
        Files.writeString(proj.resolve("src/w.cpp"), "#include \"a.h\"\nint w() { int unused; return twice(1); }\n");
        List<String> args = args("-O2 -g -Wall -Werror -Iinc -c src/w.cpp -o out/w.o", proj);
        assertNotEquals(0, exit(FidelitySupport.cmd(gxx, args), proj, null));
        Decision.Remote r = assertInstanceOf(Decision.Remote.class, ArgumentClassifier.classify("g++", gxx, args, proj));
        Path pp = tmp.resolve("w.pp");
        assertEquals(0, exit(FidelitySupport.cmd(gxx, r.preprocessArgs()), proj, pp));
        SourceInput.Prepared p = SourceInput.prepare(tmp.resolve("servant"), gxx, r.remoteArgs(), r.inputPath(),
                r.clientCwd(), tmp.resolve("out.o"), Files.readAllBytes(pp));
        assertNotEquals(0, exit(p.command(), p.cwd(), null));
    }

    private static int exit(List<String> command, Path dir, Path stdout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        return pb.start().waitFor();
    }
}
