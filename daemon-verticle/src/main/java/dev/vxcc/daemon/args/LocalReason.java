package dev.vxcc.daemon.args;

/**
 * Why an invocation is not distributed: the classifier's reasons, then the delegate's (policy,
 * cluster and outcome). {@link #code()} is stable: stats, logs, {@code vxcc --explain} and the
 * wrapper's debug notes print it. Cache misses, which do not make a compile local, are {@link CacheMissReason}.
 */
public enum LocalReason {
    BAD_INPUT("bad-input", "invocation could not be interpreted (missing tool, cwd or arguments)"),
    UNKNOWN_COMPILER("unknown-compiler", "tool is neither a gcc nor a clang driver"),
    NOT_A_COMPILE("not-a-compile", "no -c or -S: linking or another non-compiling driver mode"),
    PREPROCESS_ONLY("preprocess-only", "-E: only preprocessing is requested"),
    DEPENDENCY_ONLY("dependency-only", "-M/-MM without -MD: only a dependency list is requested"),
    INFO_QUERY("info-query", "version, help, -v or -print-* query"),
    MULTIPLE_SOURCES("multiple-sources", "more than one input file"),
    NO_SOURCE("no-source", "no input file"),
    STDIN_SOURCE("stdin-source", "source is read from standard input"),
    ASSEMBLER("assembler", "input is assembly"),
    ALREADY_PREPROCESSED("already-preprocessed", "input is already preprocessed (.i/.ii, -fpreprocessed)"),
    UNSUPPORTED_LANGUAGE("unsupported-language", "input is not C or C++"),
    MARCH_NATIVE("march-native", "-march/-mtune/-mcpu=native depends on the local CPU"),
    MULTIPLE_ARCH("multiple-arch", "more than one -arch"),
    PRECOMPILED_HEADER("precompiled-header", "a precompiled header is produced or used"),
    PROFILE_DATA("profile-data", "profile-guided optimisation reads or instruments profile files"),
    COVERAGE("coverage", "coverage instrumentation embeds local paths and writes .gcno files"),
    SAVE_TEMPS("save-temps", "-save-temps writes intermediate files"),
    SPLIT_DWARF("split-dwarf", "-gsplit-dwarf writes a .dwo file next to the object: only a source tree (daemon.sourceTree) ships it back"),
    PLUGIN_OR_SPECS("plugin-or-specs", "compiler plugin or specs file on the local machine"),
    COMPILER_WRAPPER_OPTION("compiler-wrapper-option", "-wrapper, -B, toolchain or resource directory changes which programs run"),
    LOCAL_FILE_INPUT("local-file-input", "the compiler proper reads a local file (ignore lists, xray lists, ...)"),
    EXTRA_OUTPUT_FILES("extra-output-files", "the compile writes side files that are not shipped back"),
    MODULES("modules", "C++/clang modules need module files on the local machine"),
    LTO("lto", "LTO objects embed the compile options and input name, so remote output differs"),
    RESPONSE_FILE_UNREADABLE("response-file-unreadable", "an @file could not be read"),
    DEBUG_INFO_RECORDS_SWITCHES("debug-info-records-switches",
            "gcc records the switches in the object (-grecord-gcc-switches, -frecord-gcc-switches), which would show -fdirectives-only"),
    DEBUG_INFO_PATHS("debug-info-paths", "debug info would name servant-side files or directories"),
    DEBUG_INFO_CHECKSUMS("debug-info-checksums",
            "DWARF 5 line tables carry MD5 sums of the source files, which clang cannot compute when compiling stdin"),
    DEBUG_MACRO_INFO("debug-macro-info", "-g3 macro debug info differs when macros are expanded remotely"),
    MISSING_VALUE("missing-value", "an option that needs a value is the last argument or has an empty value"),
    CONFLICTING_OPTIONS("conflicting-options", "options contradict each other (-c with -S, several -o)"),
    UNSUPPORTED_OPTION("unsupported-option", "known option that cannot be reproduced remotely"),
    UNKNOWN_OPTION("unknown-option", "unknown option; it might take a value or read files"),

    // ---- the delegate's reasons, before preprocessing ----
    DISABLED_BY_ENV("disabled-by-env", "VXCC_DISTRIBUTE=0 is set"),
    RESPONSE_FILE("response-file", "@file arguments are read only for root (the daemon would read them with its own rights)"),
    UNTRUSTED_COMPILER("untrusted-compiler",
            "the compiler, or a directory above it, is writable by someone other than root: the daemon will not run it"),
    SCHEDULER_UNREACHABLE("scheduler-unreachable", "no cluster view from the scheduler (see `vxcc doctor`)"),
    NO_SERVANT_FOR_COMPILER("no-servant-for-compiler", "no servant has this compiler (same build, by content): see `vxcc doctor`"),
    COMPILER_UNREADABLE("compiler-unreadable", "the compiler could not be identified (its probe failed)"),

    // ---- the delegate's reasons, after preprocessing ----
    PREPROCESS_FAILED("preprocess-failed", "preprocessing failed: the local compile reports the error"),
    PREPROCESSOR_DIAGNOSTICS("preprocessor-diagnostics", "the preprocessor printed diagnostics, which only a local compile shows exactly"),
    SMALL_SOURCE("small-source", "the preprocessed source is too small to be worth sending"),
    BASE_FILE_MACRO("base-file-macro", "gcc expands __BASE_FILE__ to \"\" when compiling preprocessed input"),

    // ---- the delegate's reasons, from the remote outcome ----
    COMPILE_ERROR("compile-error", "the remote compile failed: the local one shows the errors with source snippets"),
    REMOTE_DIAGNOSTICS("remote-diagnostics", "the remote compile printed diagnostics, which only a local compile shows exactly"),
    MAIN_FILE_AS_HEADER("main-file-as-header",
            "gcc took the main file of a preprocessed input for a header (-Wsubobject-linkage on its anonymous-namespace types; its debug info differs)"),
    CLUSTER_BUSY("cluster-busy", "no servant was free within the grant wait"),
    CANCELLED("cancelled", "the remote work was cancelled (wrapper gone, task timeout, lease lost)"),
    REMOTE_FAILED("remote-failed", "the servants failed (not the compile), retries included");

    private final String code;
    private final String description;

    LocalReason(String code, String description) {
        this.code = code;
        this.description = description;
    }

    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
