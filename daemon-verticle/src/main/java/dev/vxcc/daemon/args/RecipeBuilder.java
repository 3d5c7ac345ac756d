package dev.vxcc.daemon.args;

import dev.vxcc.daemon.args.Invocation.Arg;
import dev.vxcc.daemon.args.Invocation.Dependencies;
import dev.vxcc.daemon.args.OptionTable.Match;
import dev.vxcc.daemon.args.OptionTable.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the commands of a distributed compile from a parsed invocation and the debug-info
 * policy's outcome: the local preprocessing run, the servant's compile, and their fallbacks.
 *
 * <p>gcc: preprocess with {@code -E -fdirectives-only} (macros stay unexpanded, so columns in
 * debug info and diagnostics survive), compile remotely with {@code -x LANG -fpreprocessed
 * -fdirectives-only}; fall back to {@code -E} / {@code -x LANG-cpp-output} when directives-only
 * preprocessing fails. clang: preprocess with {@code -E -frewrite-includes}, compile remotely as
 * ordinary {@code -x LANG} source, naming the main file with {@code -main-file-name} because
 * the servant reads stdin.
 */
public final class RecipeBuilder {

    private RecipeBuilder() {
    }

    /** The policy's refusal, or the recipe; the invocation must be distributable. */
    public static Decision build(Invocation invocation, DebugInfoPolicy.Outcome debug) {
        if (!invocation.distributable()) {
            throw new IllegalArgumentException("no recipe for a local invocation: " + invocation.notDistributable());
        }
        if (debug.refusal() != null) {
            return debug.refusal();
        }
        return remote(invocation, debug.enabled(), debug.fileAsSource());
    }

    private static Decision.Remote remote(Invocation inv, boolean debug, boolean fileAsSource) {
        CompilerFamily family = inv.family();
        String source = inv.source();
        String language = inv.language();
        Path cwd = inv.cwd();
        String outputSuffix = inv.mode() == Invocation.Mode.ASSEMBLE ? ".s" : ".o";
        String outputAsWritten = inv.output();
        String effectiveOutput = outputAsWritten != null ? outputAsWritten
                : stripExtension(basename(source)) + outputSuffix;
        Path outputPath = cwd.resolve(effectiveOutput);

        List<String> base = new ArrayList<>();
        List<String> remote = new ArrayList<>();
        List<String> remoteFallback = new ArrayList<>();
        for (Arg arg : inv.args()) {
            if (arg.isInput()) {
                base.add(arg.input());
                continue;
            }
            Match m = arg.option();
            Role role = m.spec().role();
            if (role != Role.COMPILE_MODE && role != Role.ASSEMBLE_MODE && role != Role.OUTPUT) {
                base.addAll(m.tokens());
            }
            switch (role) {
                case COMPILE, DEBUG, ARCH, COMPILE_MODE, ASSEMBLE_MODE -> {
                    remote.addAll(m.tokens());
                    remoteFallback.addAll(m.tokens());
                }
                case MACRO -> {
                    // clang's rewrite-includes output does not carry command-line macros.
                    if (family == CompilerFamily.CLANG) {
                        remote.addAll(m.tokens());
                    }
                }
                default -> { }
            }
        }
        if (outputAsWritten != null) {
            base.addAll(dependencyNaming(family, inv.dependencies(), outputAsWritten));
        }

        List<String> pre = new ArrayList<>(base);
        List<String> preFallback = new ArrayList<>(base);
        String cppOutput = language.equals("c") ? "cpp-output" : "c++-cpp-output";
        if (family == CompilerFamily.GCC) {
            pre.addAll(List.of("-E", "-fdirectives-only"));
            preFallback.add("-E");
            remote.addAll(fileAsSource ? List.of("-x", language)
                    : List.of("-x", language, "-fpreprocessed", "-fdirectives-only"));
            remoteFallback.addAll(List.of("-x", cppOutput));
        } else {
            pre.addAll(List.of("-E", "-frewrite-includes"));
            preFallback.add("-E");
            // Reading stdin, clang would call the module and STT_FILE symbol "-".
            List<String> naming = List.of("-Xclang", "-main-file-name", "-Xclang", basename(source));
            remote.addAll(List.of("-x", language));
            remote.addAll(naming);
            remoteFallback.addAll(List.of("-x", cppOutput));
            remoteFallback.addAll(naming);
            if (debug) {
                // Verified with clang 14 for absolute sources: DW_AT_name is built from the
                // main file name, comp_dir from the servant's cwd, so both are pinned here.
                List<String> debugNaming = List.of("-fdebug-compilation-dir=" + cwd,
                        "-fdebug-prefix-map=" + basename(source) + "=" + source);
                remote.addAll(debugNaming);
                remoteFallback.addAll(debugNaming);
            }
        }
        if (debug) {
            // Full -E output loses macro-expansion columns, which -g records.
            preFallback = List.of();
            remoteFallback = List.of();
        }
        Decision.InputMode mode = fileAsSource ? Decision.InputMode.FILE_AS_SOURCE : Decision.InputMode.STDIN;
        return new Decision.Remote(family, language, source, outputPath, outputSuffix, pre, preFallback,
                remote, remoteFallback, inv.extraOutputs(), mode,
                fileAsSource ? source : "", fileAsSource ? cwd.toString() : "");
    }

    /**
     * The preprocessing run has no -o, so it names what gcc/clang would have derived from it.
     * gcc derives the -Wp,-MD target from the source name in both runs; clang would take the -o
     * value locally, which the -E run no longer has.
     */
    private static List<String> dependencyNaming(CompilerFamily family, Dependencies deps, String output) {
        List<String> extra = new ArrayList<>();
        if (deps.driverWritten() && !deps.fileNamed()) {
            extra.add("-MF");
            extra.add(stripExtension(output) + ".d");
        }
        boolean needTarget = deps.driverWritten() || (family == CompilerFamily.CLANG && deps.passedThrough());
        if (needTarget && !deps.targetNamed()) {
            extra.add("-MQ");
            extra.add(output);
        }
        return extra;
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    /** Removes the last extension of the final path component only ("a.b/c" stays "a.b/c"). */
    static String stripExtension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash + 1 ? path.substring(0, dot) : path;
    }
}
