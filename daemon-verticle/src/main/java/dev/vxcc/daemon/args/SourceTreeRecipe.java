package dev.vxcc.daemon.args;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The recipe of a source-tree compile (servant {@code SourceTree}): the wrapper runs a
 * dependency-only pass of the user's own preprocessor flags (-M to stdout: the list of every file
 * the compile reads), and the servant runs the user's argument vector unchanged in the user's
 * directory against those files at the same absolute paths. Used for exactly the compiles whose
 * debug info the preprocessed-text recipes cannot reproduce (see {@link #UPGRADED}), split DWARF
 * included: its .dwo is one more listed output, at the path {@link SplitDwarf} derives.
 */
public final class SourceTreeRecipe {
    /** The debug-info refusals a source tree removes: paths, checksums, macros and switches are all the user's. */
    public static final Set<LocalReason> UPGRADED = Set.of(LocalReason.DEBUG_INFO_RECORDS_SWITCHES, LocalReason.DEBUG_MACRO_INFO,
            LocalReason.DEBUG_INFO_CHECKSUMS, LocalReason.DEBUG_INFO_PATHS, LocalReason.SPLIT_DWARF);

    private SourceTreeRecipe() {
    }

    /**
     * gcc -g with -Wpedantic compiles the directives-only text as a source and warns about its
     * linemarkers ("style of line directive is a GCC extension"), which the local compile does not
     * print, so the result would be redone locally: a source tree prints exactly the local warnings.
     */
    public static boolean pedanticOnFileAsSource(Decision.Remote r, List<String> args) {
        return r.fileAsSource() && args.stream().anyMatch(a -> a.equals("-Wpedantic") || a.equals("-pedantic")
                || a.equals("-pedantic-errors") || a.equals("-Werror=pedantic"));
    }

    public static Decision.Remote build(Invocation inv) {
        if (!inv.distributable()) {
            throw new IllegalArgumentException("no recipe for a local invocation: " + inv.notDistributable());
        }
        Path cwd = inv.cwd();
        String outputSuffix = inv.mode() == Invocation.Mode.ASSEMBLE ? ".s" : ".o";
        String output = inv.output() != null ? inv.output()
                : RecipeBuilder.stripExtension(RecipeBuilder.basename(inv.source())) + outputSuffix;
        Path outputPath = cwd.resolve(output).normalize();
        List<String> argv = new ArrayList<>();
        List<String> deps = new ArrayList<>();
        String depFile = null;
        boolean depWritten = false;
        for (Invocation.Arg arg : inv.args()) {
            if (arg.isInput()) {
                argv.add(arg.input());
                deps.add(arg.input());
                continue;
            }
            OptionTable.Match m = arg.option();
            argv.addAll(m.tokens());
            OptionTable.Role role = m.spec().role();
            if (role == OptionTable.Role.DEPENDENCY) {
                String first = m.tokens().get(0);
                depWritten |= first.equals("-MD") || first.equals("-MMD");
                if (first.startsWith("-MF")) {
                    depFile = m.value();
                }
            } else if (role != OptionTable.Role.OUTPUT && role != OptionTable.Role.COMPILE_MODE
                    && role != OptionTable.Role.ASSEMBLE_MODE && role != OptionTable.Role.SPLIT_DWARF) {
                deps.add(String.join("\u0000", m.tokens()));
            }
        }
        List<String> depArgs = new ArrayList<>();
        for (String d : deps) {
            depArgs.addAll(List.of(d.split("\u0000", -1)));
        }
        // Full list (system headers too) to stdout, which the wrapper posts back.
        depArgs.add("-M");
        Set<String> outputs = new LinkedHashSet<>();
        outputs.add(outputPath.toString());
        String base = RecipeBuilder.stripExtension(outputPath.toString());
        if (depWritten) {
            outputs.add(depFile != null ? cwd.resolve(depFile).normalize().toString() : base + ".d");
        }
        for (String suffix : inv.extraOutputs()) {
            outputs.add(base + suffix);
        }
        SplitDwarf.dwoFile(inv).ifPresent(dwo -> outputs.add(dwo.toString()));
        return new Decision.Remote(inv.family(), inv.language(), inv.source(), outputPath, outputSuffix, depArgs, List.of(),
                argv, List.of(), List.copyOf(outputs), Decision.InputMode.SOURCE_TREE, inv.source(), cwd.toString());
    }
}
