package dev.vxcc.daemon.args;

import dev.vxcc.daemon.args.Invocation.DebugFacts;
import dev.vxcc.daemon.servant.SourceInput;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a compile that asks for debug info can still produce, remotely, the same object as a
 * local compile, and how: -g levels, DWARF version, macro info, recorded switches and the paths
 * debug info names. Split DWARF never gets here ({@link SplitDwarf} refuses it first). Pure: reads
 * only the parsed invocation.
 */
public final class DebugInfoPolicy {

    private static final Pattern GCC_DEBUG_LEVEL = Pattern.compile("-g(?:gdb|stabs\\+?|xcoff\\+?|vms)?([0-3]?)");
    private static final Pattern CLANG_DEBUG_LEVEL = Pattern.compile("-g(?:gdb|lldb|sce|dbx)?([0-3]?)");

    private DebugInfoPolicy() {
    }

    /**
     * The policy's answer.
     *
     * @param enabled      the compile emits debug info, so the recipe may not fall back to a fully
     *                     expanded -E output (it loses macro-expansion columns)
     * @param fileAsSource gcc -g recording its switches: see {@link Decision.InputMode#FILE_AS_SOURCE}
     * @param refusal      why the debug info cannot be reproduced remotely, or null
     */
    public record Outcome(boolean enabled, boolean fileAsSource, Decision.Local refusal) {
        static final Outcome NONE = new Outcome(false, false, null);
        static final Outcome STDIN = new Outcome(true, false, null);
        static final Outcome FILE_AS_SOURCE = new Outcome(true, true, null);

        static Outcome refused(boolean enabled, LocalReason reason, String detail) {
            return new Outcome(enabled, false, new Decision.Local(reason, detail, false));
        }
    }

    /** For a distributable invocation. */
    public static Outcome evaluate(Invocation invocation) {
        return evaluate(invocation.family(), invocation.debug(), invocation.source(), invocation.cwd());
    }

    /**
     * @param source the source file as the command line spells it
     * @param cwd    the invocation's (absolute) working directory
     */
    public static Outcome evaluate(CompilerFamily family, DebugFacts facts, String source, Path cwd) {
        return family == CompilerFamily.GCC ? gcc(facts, source, cwd) : clang(facts, source);
    }

    private static Outcome gcc(DebugFacts facts, String source, Path cwd) {
        int level = 0;
        boolean record = true; // Debian/upstream gcc default: -grecord-gcc-switches
        for (String g : facts.switches()) {
            Matcher m = GCC_DEBUG_LEVEL.matcher(g);
            if (m.matches()) {
                level = m.group(1).isEmpty() ? Math.max(level, 2) : Integer.parseInt(m.group(1));
            } else if (g.equals("-gdwarf") || g.startsWith("-gdwarf-") || g.equals("-gbtf") || g.equals("-gctf")) {
                level = Math.max(level, 2);
            } else if (g.equals("-grecord-gcc-switches")) {
                record = true;
            } else if (g.equals("-gno-record-gcc-switches")) {
                record = false;
            } else if (g.equals("-gtoggle")) {
                return Outcome.refused(false, LocalReason.UNSUPPORTED_OPTION, g);
            }
        }
        if (level == 0) {
            return Outcome.NONE;
        }
        if (level >= 3) {
            return Outcome.refused(true, LocalReason.DEBUG_MACRO_INFO, "-g3");
        }
        if (record) {
            return gccRecordedSwitches(facts, source, cwd);
        }
        if (facts.noWorkingDirectory()) {
            // Without the working-directory linemarker the servant's cwd becomes DW_AT_comp_dir.
            return Outcome.refused(true, LocalReason.DEBUG_INFO_PATHS, "-fno-working-directory with -g");
        }
        return Outcome.STDIN;
    }

    /**
     * The remote command must produce the same DW_AT_producer, so it can carry neither
     * -fpreprocessed nor -fdirectives-only: the servant compiles the directives-only output
     * as ordinary source, see {@link SourceInput}. Verified with gcc 12 for relative (also "../")
     * and absolute sources, C and C++, -g/-g1/-g2, -gdwarf-4/5, -O0/-O2, -fPIC,
     * -ffunction-sections, -D/-U; anything outside that stays local.
     */
    private static Outcome gccRecordedSwitches(DebugFacts facts, String source, Path cwd) {
        String why;
        if (facts.userPathMapping()) {
            why = "a user path mapping would interact with the one the servant adds";
        } else if (facts.recordedPreprocessorSwitch() != null) {
            // Dropped from the remote command, yet listed in DW_AT_producer (and -undef
            // would also have to suppress the remote compiler's predefined macros).
            why = facts.recordedPreprocessorSwitch() + " is recorded in DW_AT_producer";
        } else {
            String pathProblem = SourceInput.pathProblem(source);
            why = pathProblem != null ? pathProblem : SourceInput.cwdProblem(cwd.toString());
        }
        if (why != null) {
            return Outcome.refused(true, LocalReason.DEBUG_INFO_RECORDS_SWITCHES, why);
        }
        return Outcome.FILE_AS_SOURCE;
    }

    private static Outcome clang(DebugFacts facts, String source) {
        boolean enabled = false;
        boolean record = false;
        boolean macros = false;
        int dwarfVersion = 0;
        for (String g : facts.switches()) {
            if (g.startsWith("-gdwarf-")) {
                try {
                    dwarfVersion = Integer.parseInt(g.substring("-gdwarf-".length()));
                } catch (NumberFormatException e) {
                    dwarfVersion = 0;
                }
            }
            Matcher m = CLANG_DEBUG_LEVEL.matcher(g);
            if (m.matches()) {
                String lvl = m.group(1);
                enabled = !lvl.equals("0");
                macros = lvl.equals("3") || (macros && lvl.isEmpty());
            } else if (g.startsWith("-gdwarf") || g.equals("-gline-tables-only") || g.equals("-gmlt")
                    || g.equals("-gline-directives-only") || g.equals("-gcodeview") || g.equals("-gfull")
                    || g.equals("-gused")) {
                enabled = true;
            } else if (g.equals("-grecord-command-line") || g.equals("-grecord-gcc-switches")) {
                record = true;
            } else if (g.equals("-gno-record-command-line") || g.equals("-gno-record-gcc-switches")) {
                record = false;
            }
        }
        if (!enabled) {
            return Outcome.NONE;
        }
        if (record) {
            return Outcome.refused(true, LocalReason.DEBUG_INFO_RECORDS_SWITCHES, "-grecord-command-line");
        }
        if (macros) {
            return Outcome.refused(true, LocalReason.DEBUG_MACRO_INFO, "-g3");
        }
        if (facts.userPathMapping()) {
            return Outcome.refused(true, LocalReason.DEBUG_INFO_PATHS,
                    "user path mapping would interact with the mapping vxcc adds");
        }
        if (dwarfVersion == 0 || dwarfVersion >= 5) {
            // clang 14 defaults to DWARF 5 on Linux; its MD5 file checksums are only
            // emitted when every file has one, which is never the case for stdin input.
            return Outcome.refused(true, LocalReason.DEBUG_INFO_CHECKSUMS,
                    "clang -g needs an explicit -gdwarf-4 or lower to be distributed");
        }
        if (!source.startsWith("/")) {
            // With stdin input clang cannot reproduce the relative main-file entry of the line table.
            return Outcome.refused(true, LocalReason.DEBUG_INFO_PATHS, "clang -g with a relative source path");
        }
        return Outcome.STDIN;
    }
}
