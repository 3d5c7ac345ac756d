package dev.vxcc.daemon.args;

import static dev.vxcc.daemon.args.FidelitySupport.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.vxcc.testkit.Toolchains;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Byte-identity of the clang recipe (-frewrite-includes, stdin with -main-file-name). */
class ClangFidelityTest {

    private static Path clangxx;
    private static Path clang;

    @BeforeAll
    static void findClang() {
        clangxx = FidelitySupport.onPath("clang++").orElse(null);
        clang = FidelitySupport.onPath("clang").orElse(null);
        Toolchains.require(clangxx != null && clang != null, "clang and clang++ on PATH");
    }

    @ParameterizedTest(name = "[{index}] {0} fallback={3}")
    @CsvSource(delimiter = '|', value = {
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c $PROJ/src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c src/m.cpp -o out/m.o | out/m.o | out/m.d | true",
            "-O2 -Iinc -DNVAL=3 -MMD -c src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-Iinc -DNVAL=3 -Wp,-MD,out/k.d -O2 -c src/m.cpp -o out/m.o | out/m.o | out/k.d | false",
            "-O0 -fPIC -std=c++20 -Wall -Iinc -DNVAL=3 -c src/m.cpp -o out/m.o | out/m.o | | false",
            "-O2 -g -gdwarf-4 -Iinc -DNVAL=3 -MD -c $PROJ/src/m.cpp -o out/m.o | out/m.o | out/m.d | false",
            "-O0 -gdwarf-4 -Iinc -DNVAL=3 -c $PROJ/src/m.cpp -o $PROJ/out/m.o | out/m.o | | false"})
    void cxx(String template, String output, String depFile, boolean fallback, @TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeProject(tmp, "cpp");
        FidelitySupport.assertIdentical("clang++", clangxx, proj, tmp.resolve("servant"), args(template, proj), output,
                depFile, fallback);
    }

    @ParameterizedTest(name = "[{index}] {0} fallback={1}")
    @CsvSource(delimiter = '|', value = {
            "-O2 -Iinc -DNVAL=3 -MD -MF out/m.d -c src/m.c -o out/m.o | false",
            "-O2 -Iinc -DNVAL=3 -c $PROJ/src/m.c -o out/m.o | true",
            "-O2 -g -gdwarf-4 -Iinc -DNVAL=3 -c $PROJ/src/m.c -o out/m.o | false"})
    void c(String template, boolean fallback, @TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeProject(tmp, "c");
        FidelitySupport.assertIdentical("clang", clang, proj, tmp.resolve("servant"), args(template, proj), "out/m.o",
                null, fallback);
    }

    /** DWARF 5 (clang 14's default) line tables carry MD5 sums that stdin compiles cannot reproduce. */
    @Test
    void dwarf5DebugInfoStaysLocal(@TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeProject(tmp, "c");
        Decision d = ArgumentClassifier.classify("clang", clang,
                List.of("-O2", "-g", "-Iinc", "-c", proj.resolve("src/m.c").toString()), proj);
        assertEquals(LocalReason.DEBUG_INFO_CHECKSUMS, assertInstanceOf(Decision.Local.class, d).reason());
    }
}
