package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.Invocation.Mode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the parse pass reads off a command line, before any debug-info or recipe decision. */
class InvocationParserTest {

    private static final Path CWD = Path.of("/work/proj");

    private static Invocation gcc(String args) {
        return InvocationParser.parse("gcc", Path.of("/usr/bin/gcc"), Arrays.asList(args.split(" ")), CWD);
    }

    /** The driver mode decides first, so -E and info queries stay lightweight whatever else is there. */
    @ParameterizedTest
    @CsvSource({
            "--version -E,                  INFO,        INFO_QUERY,          true",
            "-E -v a.c -fprofile-use,       PREPROCESS,  PREPROCESS_ONLY,     true",
            "-M a.c -fplugin=x.so,          LIST_DEPENDENCIES, DEPENDENCY_ONLY, true",
            "-c -v a.c,                     INFO,        INFO_QUERY,          false",
            "a.c -o a,                      LINK,        NOT_A_COMPILE,       false",
            "-c -S a.c,                     CONFLICTING, CONFLICTING_OPTIONS, false",
            "-c a.c -fprofile-use,          COMPILE,     PROFILE_DATA,        false"})
    void modeComesBeforeOptionProblems(String args, Mode mode, LocalReason reason, boolean lightweight) {
        Invocation inv = gcc(args);
        assertEquals(mode, inv.mode());
        assertEquals(reason, inv.notDistributable().reason());
        assertEquals(lightweight, inv.notDistributable().lightweight());
    }

    @Test
    void theFirstOptionProblemWinsOverLaterOnesAndOverTheSources() {
        Invocation inv = gcc("-c -march=native -fplugin=x.so a.c b.c");
        assertEquals(LocalReason.MARCH_NATIVE, inv.notDistributable().reason());
        assertEquals("-march=native", inv.notDistributable().detail());
    }

    @Test
    void anUnknownOptionStopsTheParseBeforeTheModeIsKnown() {
        Invocation inv = gcc("-E --frobnicate a.c");
        assertEquals(LocalReason.UNKNOWN_OPTION, inv.notDistributable().reason());
        assertEquals(Mode.UNKNOWN, inv.mode());
        assertEquals(List.of(), inv.args());
    }

    @Test
    void aCompileReadsSourceLanguageOutputAndFacts() {
        Invocation inv = gcc("-x c++ src/m.c -Iinc -c -o out/m.o -MD -Wp,-MMD,x.d -fstack-usage -fno-stack-usage"
                + " -fstack-usage -g -fno-working-directory -H -fworking-directory -fdebug-prefix-map=/a=/b");
        assertTrue(inv.distributable(), () -> "" + inv.notDistributable());
        assertEquals(Mode.COMPILE, inv.mode());
        assertEquals("src/m.c", inv.source());
        assertEquals("c++", inv.language(), "-x applies to the inputs after it");
        assertEquals("out/m.o", inv.output());
        assertEquals(new Invocation.Dependencies(true, false, false, true), inv.dependencies());
        assertEquals(List.of(".su"), inv.extraOutputs(), "the last -f[no-]stack-usage wins");
        assertEquals(List.of("-g"), inv.debug().switches());
        assertFalse(inv.debug().noWorkingDirectory(), "the last of -f[no-]working-directory wins");
        assertEquals("-fworking-directory", inv.debug().recordedPreprocessorSwitch());
        assertTrue(inv.debug().userPathMapping());
    }

    @Test
    void xNoneGoesBackToTheExtensionAndAPlainCompileHasNoDebugFacts() {
        Invocation inv = gcc("-x c++ -x none -c a.c");
        assertEquals("c", inv.language());
        assertNull(inv.output());
        assertEquals(List.of(".su"), gcc("-c a.c -fno-stack-usage -fstack-usage").extraOutputs());
        assertEquals(new Invocation.DebugFacts(List.of(), false, null, false), inv.debug());
    }
}
