package dev.vxcc.daemon.args;

import dev.vxcc.daemon.args.OptionTable.Match;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one compiler invocation is, as {@link InvocationParser} read it: the driver mode, the
 * argument vector in order, the single source and its language, the output, and the option facts
 * the later stages ({@link DebugInfoPolicy}, {@link RecipeBuilder}) need. No decision about debug
 * info or remote recipes is taken here.
 *
 * <p>{@link #notDistributable()} is the first reason the invocation cannot be distributed, or
 * null. When it is set, the other fields describe only as much as the parse got to read: a parse
 * that stopped early (unknown compiler, unknown option, ...) leaves {@code family} possibly null,
 * {@code mode} {@link Mode#UNKNOWN} and the lists empty. When it is null, {@code mode} is
 * {@link Mode#COMPILE} or {@link Mode#ASSEMBLE}, {@code source} is one non-empty file name and
 * {@code language} is "c" or "c++".
 *
 * @param output the -o value as written, or null when the command line has none
 */
public record Invocation(CompilerFamily family, Path cwd, List<Arg> args, Mode mode, String source,
                         String language, String output, Dependencies dependencies, DebugFacts debug,
                         List<String> extraOutputs, Decision.Local notDistributable) {

    public Invocation {
        args = List.copyOf(args);
        extraOutputs = List.copyOf(extraOutputs);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(dependencies, "dependencies");
        Objects.requireNonNull(debug, "debug");
        if (notDistributable == null && (family == null || cwd == null || source == null || language == null
                || (mode != Mode.COMPILE && mode != Mode.ASSEMBLE))) {
            throw new IllegalArgumentException("a distributable invocation needs a family, cwd, source, language"
                    + " and a compile mode");
        }
    }

    /** A parse that stopped before it knew what the invocation is. */
    static Invocation stopped(CompilerFamily family, Path cwd, Decision.Local reason) {
        return new Invocation(family, cwd, List.of(), Mode.UNKNOWN, null, null, null, Dependencies.NONE,
                DebugFacts.NONE, List.of(), Objects.requireNonNull(reason, "reason"));
    }

    public boolean distributable() {
        return notDistributable == null;
    }

    /** The driver mode the command line selects; only COMPILE and ASSEMBLE can be distributed. */
    public enum Mode {
        /** -c: an object file. */
        COMPILE,
        /** -S: an assembly listing. */
        ASSEMBLE,
        /** -E. */
        PREPROCESS,
        /** -M / -MM without -MD. */
        LIST_DEPENDENCIES,
        /** --version, -print-*, -v and friends. */
        INFO,
        /** Neither -c nor -S: a link or another driver-only run. */
        LINK,
        /** Both -c and -S. */
        CONFLICTING,
        /** The parse stopped before the mode was known. */
        UNKNOWN
    }

    /**
     * One position of the argument vector (after @file expansion): a recognised option, or an
     * input file together with the -x language in force where it appears (null: by extension).
     */
    public record Arg(Match option, String input, String languageOverride) {
        static Arg option(Match m) {
            return new Arg(m, null, null);
        }

        static Arg input(String name, String language) {
            return new Arg(null, name, language);
        }

        public boolean isInput() {
            return input != null;
        }
    }

    /**
     * How the command line asks for a dependency file; the preprocessing run, which has no -o,
     * must name what the driver would have derived from it.
     *
     * @param driverWritten -MD or -MMD
     * @param fileNamed     -MF
     * @param targetNamed   -MT or -MQ
     * @param passedThrough a -M option behind -Wp, or -Xpreprocessor
     */
    public record Dependencies(boolean driverWritten, boolean fileNamed, boolean targetNamed,
                               boolean passedThrough) {
        static final Dependencies NONE = new Dependencies(false, false, false, false);
    }

    /**
     * The options {@link DebugInfoPolicy} reads.
     *
     * @param switches                  the -g options in order
     * @param noWorkingDirectory        -fno-working-directory is in force (the last of the pair wins)
     * @param recordedPreprocessorSwitch the last preprocessing-only switch gcc still lists in
     *                                  DW_AT_producer (-undef, -H, -f[no-]working-directory), or null
     * @param userPathMapping           a -f*-prefix-map= or -fdebug-compilation-dir of the user's
     */
    public record DebugFacts(List<String> switches, boolean noWorkingDirectory, String recordedPreprocessorSwitch,
                             boolean userPathMapping) {
        static final DebugFacts NONE = new DebugFacts(List.of(), false, null, false);

        public DebugFacts {
            switches = List.copyOf(switches);
        }
    }
}
