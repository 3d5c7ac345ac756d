package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.DebugInfoPolicy.Outcome;
import dev.vxcc.daemon.args.Invocation.DebugFacts;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The debug-info rules on their own, without a command line to parse around them. */
class DebugInfoPolicyTest {

    private static final Path CWD = Path.of("/work/proj");

    private static DebugFacts switches(String switches) {
        return new DebugFacts(Arrays.asList(switches.split(" ")), false, null, false);
    }

    private static Outcome gcc(DebugFacts facts, String source) {
        return DebugInfoPolicy.evaluate(CompilerFamily.GCC, facts, source, CWD);
    }

    private static Outcome clang(DebugFacts facts, String source) {
        return DebugInfoPolicy.evaluate(CompilerFamily.CLANG, facts, source, CWD);
    }

    private static void refused(Outcome o, LocalReason reason) {
        assertEquals(reason, o.refusal() == null ? null : o.refusal().reason(), () -> "outcome " + o);
        assertFalse(o.refusal().lightweight(), "a refused compile is still a compile");
    }

    @Test
    void noDebugSwitchMeansNoDebugInfoForEitherFamily() {
        DebugFacts none = new DebugFacts(java.util.List.of(), false, null, false);
        assertEquals(new Outcome(false, false, null), gcc(none, "a.c"));
        assertEquals(new Outcome(false, false, null), clang(none, "/abs/a.c"));
    }

    /** gcc records its switches by default, so a plain -g compiles the stream as a file named like the source. */
    @ParameterizedTest
    @CsvSource({"-g, true", "-ggdb, true", "-gdwarf-4, true", "-g1, true", "-g -gno-record-gcc-switches, false",
            "-gno-record-gcc-switches -g -grecord-gcc-switches, true"})
    void gccDebugInfoIsReproducedAndSaysHowTheServantReadsTheSource(String g, boolean fileAsSource) {
        Outcome o = gcc(switches(g), "src/m.c");
        assertNull(o.refusal());
        assertTrue(o.enabled());
        assertEquals(fileAsSource, o.fileAsSource());
    }

    @Test
    void gccLastLevelWinsAndOnlyG3CarriesMacros() {
        assertFalse(gcc(switches("-g -g0"), "a.c").enabled());
        assertNull(gcc(switches("-g3 -g1"), "a.c").refusal());
        refused(gcc(switches("-g1 -g3"), "a.c"), LocalReason.DEBUG_MACRO_INFO);
        refused(gcc(switches("-ggdb3"), "a.c"), LocalReason.DEBUG_MACRO_INFO);
        refused(gcc(switches("-g -gtoggle"), "a.c"), LocalReason.UNSUPPORTED_OPTION);
    }

    @Test
    void gccRecordedSwitchesNeedAPlainSourceNoUserMappingAndNoRecordedPreprocessorSwitch() {
        refused(gcc(new DebugFacts(java.util.List.of("-g"), false, null, true), "a.c"),
                LocalReason.DEBUG_INFO_RECORDS_SWITCHES);
        Outcome undef = gcc(new DebugFacts(java.util.List.of("-g"), false, "-undef", false), "a.c");
        refused(undef, LocalReason.DEBUG_INFO_RECORDS_SWITCHES);
        assertTrue(undef.refusal().detail().contains("-undef"), undef.refusal().detail());
        refused(gcc(switches("-g"), "a\tb.c"), LocalReason.DEBUG_INFO_RECORDS_SWITCHES);
        // Without recorded switches, a user mapping is fine for gcc, but the missing working-directory marker is not.
        assertEquals(new Outcome(true, false, null),
                gcc(new DebugFacts(java.util.List.of("-g", "-gno-record-gcc-switches"), false, null, true), "a.c"));
        refused(gcc(new DebugFacts(java.util.List.of("-g", "-gno-record-gcc-switches"), true, "-fno-working-directory",
                false), "a.c"), LocalReason.DEBUG_INFO_PATHS);
    }

    @Test
    void clangNeedsAnExplicitOldDwarfAndAnAbsoluteSource() {
        refused(clang(switches("-g"), "/abs/a.c"), LocalReason.DEBUG_INFO_CHECKSUMS);
        refused(clang(switches("-g -gdwarf-5"), "/abs/a.c"), LocalReason.DEBUG_INFO_CHECKSUMS);
        refused(clang(switches("-g -gdwarf-4"), "src/a.c"), LocalReason.DEBUG_INFO_PATHS);
        assertEquals(new Outcome(true, false, null), clang(switches("-g -gdwarf-4"), "/abs/a.c"));
        assertEquals(new Outcome(true, false, null), clang(switches("-gdwarf-4"), "/abs/a.c"),
                "-gdwarf-N alone turns debug info on");
        assertFalse(clang(switches("-gdwarf-4 -g0"), "/abs/a.c").enabled());
    }

    @Test
    void clangRefusalsComeInAFixedOrder() {
        // Recording the command line is reported before macro info, macro info before paths.
        refused(clang(switches("-g3 -grecord-command-line -gdwarf-4"), "/abs/a.c"),
                LocalReason.DEBUG_INFO_RECORDS_SWITCHES);
        refused(clang(switches("-g3 -gdwarf-4"), "/abs/a.c"), LocalReason.DEBUG_MACRO_INFO);
        // A later bare -g keeps -g3's macros; a later -g1 drops them.
        refused(clang(switches("-g3 -g -gdwarf-4"), "/abs/a.c"), LocalReason.DEBUG_MACRO_INFO);
        assertNull(clang(switches("-g3 -g1 -gdwarf-4"), "/abs/a.c").refusal());
        refused(clang(new DebugFacts(java.util.List.of("-g", "-gdwarf-4"), false, null, true), "/abs/a.c"),
                LocalReason.DEBUG_INFO_PATHS);
        assertNull(clang(switches("-grecord-command-line -gno-record-command-line -g -gdwarf-4"), "/abs/a.c").refusal());
    }
}
