package dev.vxcc.daemon.args;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Outcome of {@link ArgumentClassifier#classify}: run the original command locally, or distribute it. */
public sealed interface Decision permits Decision.Local, Decision.Remote {

    /**
     * Run the original command unchanged on the local machine.
     *
     * @param lightweight true for cheap invocations (-E, -M/-MM, info queries) that may use the
     *                    over-provisioned local quota; compiles and links are heavy
     */
    record Local(LocalReason reason, String detail, boolean lightweight) implements Decision {
        public Local {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }
    }

    /**
     * Distribute: preprocess locally, compile remotely.
     *
     * <p>preprocessArgs / fallbackPreprocessArgs: args AFTER the compiler path for the local
     * preprocessing run (first attempt, and the retry if the first fails, e.g. gcc
     * -fdirectives-only breaking on __COUNTER__); output goes to stdout. They run in the
     * original cwd and also write the dependency file, if the original command asked for one.
     *
     * <p>remoteArgs / fallbackRemoteArgs: args for the servant to compile the matching
     * preprocessed output read from stdin; WITHOUT the compiler path, WITHOUT the input and
     * WITHOUT -o (the servant appends "-" and "-o &lt;its file&gt;"). They contain no
     * placeholders and do not depend on the servant's working directory.
     *
     * <p>Empty fallback lists mean there is no safe second recipe (for instance with debug info,
     * where a fully expanded -E output loses column information): if the first preprocessing
     * attempt fails, compile locally instead.
     *
     * <p>outputPath: absolute path of the main output (resolved against cwd); outputSuffix ".o"
     * (or ".s" for -S). extraOutputs: suffixes of other files the remote compile writes next to
     * its output (".su" for -fstack-usage); the caller stores them at outputPath minus its
     * extension plus the suffix, which is where the local compiler would have put them.
     *
     * <p>inputMode says how the servant feeds the first recipe's preprocessed output to the
     * compiler (the fallback recipe always uses {@link InputMode#STDIN}). With
     * {@link InputMode#FILE_AS_SOURCE} (gcc -g recording its switches) remoteArgs are the user's
     * compile options plus {@code -x LANG -c|-S}, nothing else: the servant edits the stream,
     * writes it to a file named inputPath below its own directory, and appends the
     * {@code -fdebug-prefix-map} options that map that directory back to clientCwd (there is
     * no placeholder in remoteArgs; see {@code dev.vxcc.daemon.servant.SourceInput}). inputPath
     * is the source as the command line spelled it and clientCwd the invocation's directory;
     * both are empty for STDIN.
     */
    record Remote(CompilerFamily family, String language, String sourcePath, Path outputPath, String outputSuffix,
                  List<String> preprocessArgs, List<String> fallbackPreprocessArgs,
                  List<String> remoteArgs, List<String> fallbackRemoteArgs, List<String> extraOutputs,
                  InputMode inputMode, String inputPath, String clientCwd)
            implements Decision {
        public Remote {
            Objects.requireNonNull(inputMode, "inputMode");
            inputPath = inputPath == null ? "" : inputPath;
            clientCwd = clientCwd == null ? "" : clientCwd;
            preprocessArgs = List.copyOf(preprocessArgs);
            fallbackPreprocessArgs = List.copyOf(fallbackPreprocessArgs);
            remoteArgs = List.copyOf(remoteArgs);
            fallbackRemoteArgs = List.copyOf(fallbackRemoteArgs);
            extraOutputs = List.copyOf(extraOutputs);
        }

        public boolean fileAsSource() {
            return inputMode == InputMode.FILE_AS_SOURCE;
        }

        public boolean sourceTree() {
            return inputMode == InputMode.SOURCE_TREE;
        }

        public boolean hasFallback() {
            return !fallbackPreprocessArgs.isEmpty();
        }
    }

    /** How the servant passes the preprocessed source to the compiler. */
    enum InputMode {
        STDIN,
        FILE_AS_SOURCE,
        /**
         * The user's sources at their own paths on the servant ({@link SourceTreeRecipe}):
         * preprocessArgs is the dependency-only run, remoteArgs the user's argument vector
         * unchanged, extraOutputs the absolute paths of every file the compile writes.
         */
        SOURCE_TREE
    }
}
