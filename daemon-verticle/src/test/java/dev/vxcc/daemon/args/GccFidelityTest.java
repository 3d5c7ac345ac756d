package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
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
        Assumptions.assumeTrue(gxx != null && gcc != null, "gcc not installed");
    }

    private static List<String> args(String template, Path proj) {
        List<String> out = new ArrayList<>();
        for (String a : template.trim().split(" +")) {
            out.add(a.replace("$PROJ", proj.toString()));
        }
        return out;
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

    /** The known trap: with switches recorded the producer string would carry -fdirectives-only. */
    @Test
    void recordedSwitchesStayLocal(@TempDir Path tmp) throws Exception {
        Path proj = FidelitySupport.writeProject(tmp, "cpp");
        Decision d = ArgumentClassifier.classify("g++", gxx,
                Arrays.asList("-O2", "-g", "-Iinc", "-c", "src/m.cpp"), proj);
        assertInstanceOf(Decision.Local.class, d);
    }
}
