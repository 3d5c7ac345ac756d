package dev.vxcc.daemon.args;

import java.nio.file.Path;
import java.util.List;

/**
 * Decides whether a compiler invocation can be split into a local preprocessing run and a
 * remote compile whose object is byte-identical to a local compile, and builds both commands.
 * Three steps: {@link InvocationParser} reads what the invocation is and the first reason it
 * must stay local; {@link DebugInfoPolicy} says whether and how its debug info can be reproduced;
 * {@link RecipeBuilder} writes the commands.
 */
public final class ArgumentClassifier {

    private ArgumentClassifier() {
    }

    public static Decision classify(String tool, Path compilerPath, List<String> args, Path cwd) {
        return classify(tool, compilerPath, args, cwd, false);
    }

    /**
     * The source-tree recipe of a distributable invocation, whatever its debug info: the servant runs
     * the user's own argv, so its output and diagnostics are the local compile's. Empty when the
     * invocation cannot be distributed at all.
     */
    public static java.util.Optional<Decision.Remote> sourceTreeRecipe(String tool, Path compilerPath, List<String> args, Path cwd) {
        try {
            Invocation invocation = InvocationParser.parse(tool, compilerPath, args, cwd);
            return invocation.distributable() ? java.util.Optional.of(SourceTreeRecipe.build(invocation)) : java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** @param sourceTree whether debug info the preprocessed recipes cannot reproduce may go remote as a source tree */
    public static Decision classify(String tool, Path compilerPath, List<String> args, Path cwd, boolean sourceTree) {
        try {
            Invocation invocation = InvocationParser.parse(tool, compilerPath, args, cwd);
            if (!invocation.distributable()) {
                return invocation.notDistributable();
            }
            Decision.Local splitDwarf = SplitDwarf.refusal(invocation);
            if (splitDwarf != null && splitDwarf.reason() != LocalReason.SPLIT_DWARF) {
                return splitDwarf;
            }
            Decision d = splitDwarf != null ? splitDwarf : RecipeBuilder.build(invocation, DebugInfoPolicy.evaluate(invocation));
            if (sourceTree && d instanceof Decision.Local l && SourceTreeRecipe.UPGRADED.contains(l.reason())) {
                return SourceTreeRecipe.build(invocation);
            }
            if (sourceTree && d instanceof Decision.Remote r && SourceTreeRecipe.pedanticOnFileAsSource(r, args)) {
                return SourceTreeRecipe.build(invocation);
            }
            return d;
        } catch (RuntimeException e) {
            // Bad input must never take a build down; a local compile reproduces the real error.
            return new Decision.Local(LocalReason.BAD_INPUT, "unexpected: " + e, false);
        }
    }
}
