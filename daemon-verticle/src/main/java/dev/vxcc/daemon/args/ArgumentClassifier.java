package dev.vxcc.daemon.args;

import dev.vxcc.daemon.args.OptionTable.Found;
import dev.vxcc.daemon.args.OptionTable.Lookup;
import dev.vxcc.daemon.args.OptionTable.Match;
import dev.vxcc.daemon.args.OptionTable.MissingValue;
import dev.vxcc.daemon.args.OptionTable.Role;
import dev.vxcc.daemon.args.OptionTable.Unknown;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a compiler invocation can be split into a local preprocessing run and a
 * remote compile whose object is byte-identical to a local compile, and builds both commands.
 *
 * <p>gcc: preprocess with {@code -E -fdirectives-only} (macros stay unexpanded, so columns in
 * debug info and diagnostics survive), compile remotely with {@code -x LANG -fpreprocessed
 * -fdirectives-only}; fall back to {@code -E} / {@code -x LANG-cpp-output} when directives-only
 * preprocessing fails. clang: preprocess with {@code -E -frewrite-includes}, compile remotely as
 * ordinary {@code -x LANG} source, naming the main file with {@code -main-file-name} because
 * the servant reads stdin.
 */
public final class ArgumentClassifier {

    private static final Pattern GCC_DEBUG_LEVEL = Pattern.compile("-g(?:gdb|stabs\\+?|xcoff\\+?|vms)?([0-3]?)");
    private static final Pattern CLANG_DEBUG_LEVEL = Pattern.compile("-g(?:gdb|lldb|sce|dbx)?([0-3]?)");

    private ArgumentClassifier() {
    }

    public static Decision classify(String tool, Path compilerPath, List<String> args, Path cwd) {
        try {
            return new Scan(tool, compilerPath, args, cwd).run();
        } catch (RuntimeException e) {
            // Bad input must never take a build down; a local compile reproduces the real error.
            return new Decision.Local(LocalReason.BAD_INPUT, "unexpected: " + e, false);
        }
    }

    private static Decision.Local local(LocalReason reason, String detail) {
        return new Decision.Local(reason, detail, false);
    }

    /** One argument vector position: either a recognised option or an input file. */
    private record Item(Match option, String input, String languageOverride) {
    }

    private static final class Scan {
        private final String tool;
        private final Path compilerPath;
        private final List<String> rawArgs;
        private final Path cwd;
        private CompilerFamily family;

        private final List<Item> items = new ArrayList<>();
        private final List<Item> inputs = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();
        private final List<String> includes = new ArrayList<>();
        private final List<String> includeDirs = new ArrayList<>();
        private final Set<String> extraOutputs = new LinkedHashSet<>();
        private Decision.Local firstProblem;
        private boolean compile;
        private boolean assemble;
        private boolean preprocessOnly;
        private boolean dependencyOnly;
        private boolean info;
        private boolean driverDependency;
        private boolean wpDependency;
        private boolean hasMF;
        private boolean hasTarget;
        private boolean noWorkingDirectory;
        private boolean userPathMapping;
        /** A preprocessing-only switch that gcc still lists in DW_AT_producer. */
        private String recordedPreprocessorSwitch;
        private int archCount;
        private final List<String> debugArgs = new ArrayList<>();

        Scan(String tool, Path compilerPath, List<String> args, Path cwd) {
            this.tool = tool;
            this.compilerPath = compilerPath;
            this.rawArgs = args;
            this.cwd = cwd;
        }

        Decision run() {
            if (rawArgs == null) {
                return local(LocalReason.BAD_INPUT, "no argument list");
            }
            for (String a : rawArgs) {
                if (a == null) {
                    return local(LocalReason.BAD_INPUT, "null argument");
                }
            }
            if (cwd == null || !cwd.isAbsolute()) {
                return local(LocalReason.BAD_INPUT, "working directory must be absolute: " + cwd);
            }
            family = CompilerFamily.detect(tool, compilerPath).orElse(null);
            if (family == null) {
                return local(LocalReason.UNKNOWN_COMPILER, "tool " + tool + ", compiler " + compilerPath);
            }
            List<String> args;
            try {
                args = ResponseFiles.expand(rawArgs, cwd, family);
            } catch (ResponseFiles.UnreadableException e) {
                return local(LocalReason.RESPONSE_FILE_UNREADABLE, e.getMessage());
            }
            Decision.Local parseProblem = parse(args);
            if (parseProblem != null) {
                return parseProblem;
            }
            return decide();
        }

        /** Returns a decision only when the rest of argv can no longer be interpreted. */
        private Decision.Local parse(List<String> args) {
            String language = null;
            for (int i = 0; i < args.size(); ) {
                String arg = args.get(i);
                if (arg == null) {
                    return local(LocalReason.BAD_INPUT, "null argument at index " + i);
                }
                if (arg.equals("-") || !arg.startsWith("-")) {
                    Item item = new Item(null, arg, language);
                    items.add(item);
                    inputs.add(item);
                    i++;
                    continue;
                }
                Lookup lookup = OptionTable.lookup(args, i);
                if (lookup instanceof MissingValue missing) {
                    return local(LocalReason.MISSING_VALUE, missing.spec().name() + " needs a value");
                }
                if (lookup instanceof Unknown unknown) {
                    // It might consume the next argument, so nothing after it can be trusted.
                    return local(LocalReason.UNKNOWN_OPTION, unknown.arg());
                }
                Match m = ((Found) lookup).match();
                i += m.consumed();
                items.add(new Item(m, null, null));
                String problem = record(m);
                if (problem != null) {
                    return local(LocalReason.MISSING_VALUE, problem);
                }
                if (m.spec().role() == Role.LANGUAGE) {
                    language = m.value().equals("none") ? null : m.value();
                }
            }
            return null;
        }

        /** Updates the scan state; returns a message if a required value is empty. */
        private String record(Match m) {
            OptionTable.Spec spec = m.spec();
            String arg = m.tokens().get(0);
            String value = m.value();
            if (m.consumed() > 1 && value.startsWith("@")) {
                // Only "@" itself survives expansion; servants refuse it even as a value (-l @), so do not send it.
                problem(LocalReason.UNSUPPORTED_OPTION, String.join(" ", m.tokens()));
            }
            if (spec.check() != null && value != null) {
                LocalReason verdict = spec.check().check(family, value);
                if (verdict != null) {
                    problem(verdict, String.join(" ", m.tokens()));
                }
            }
            switch (spec.role()) {
                case COMPILE_MODE -> compile = true;
                case ASSEMBLE_MODE -> assemble = true;
                case PREPROCESS_MODE -> preprocessOnly = true;
                case DEPENDENCY_ONLY -> dependencyOnly = true;
                case INFO -> info = true;
                case ARCH -> archCount++;
                case DEBUG -> debugArgs.add(arg);
                case LOCAL -> problem(spec.localReason(), String.join(" ", m.tokens()));
                case OUTPUT -> {
                    if (value.isEmpty()) {
                        return "-o with an empty value";
                    }
                    outputs.add(value);
                }
                case LANGUAGE -> {
                    if (value.isEmpty()) {
                        return "-x with an empty value";
                    }
                }
                case DEPENDENCY -> {
                    switch (spec.name()) {
                        case "-MD", "-MMD" -> driverDependency = true;
                        case "-MF" -> hasMF = true;
                        case "-MT", "-MQ" -> hasTarget = true;
                        default -> { }
                    }
                    if (spec.takesValue() && value.isEmpty()) {
                        return spec.name() + " with an empty value";
                    }
                }
                case PREPROCESS -> {
                    switch (spec.name()) {
                        case "-include", "--include" -> includes.add(value);
                        case "-I", "-iquote", "-isystem", "-idirafter" -> includeDirs.add(value);
                        case "-fno-working-directory" -> {
                            noWorkingDirectory = true;
                            recordedPreprocessorSwitch = spec.name();
                        }
                        case "-fworking-directory" -> {
                            noWorkingDirectory = false;
                            recordedPreprocessorSwitch = spec.name();
                        }
                        case "-undef", "-H" -> recordedPreprocessorSwitch = spec.name();
                        case "-Wp,", "-Xpreprocessor" -> {
                            if (value.startsWith("-M")) {
                                wpDependency = true;
                            }
                        }
                        default -> { }
                    }
                }
                case COMPILE -> {
                    if (spec.extraOutput() != null) {
                        extraOutputs.add(spec.extraOutput());
                    } else if (arg.equals("-fno-stack-usage")) {
                        extraOutputs.remove(".su");
                    } else if (arg.startsWith("-fdebug-prefix-map=") || arg.startsWith("-ffile-prefix-map=")
                            || arg.startsWith("-fmacro-prefix-map=") || arg.startsWith("-fdebug-compilation-dir")) {
                        userPathMapping = true;
                    }
                }
                default -> { }
            }
            return null;
        }

        private void problem(LocalReason reason, String detail) {
            if (firstProblem == null) {
                firstProblem = local(reason, detail);
            }
        }

        private Decision decide() {
            // Driver mode first: it decides the quota class even when other options are exotic.
            if (info && inputs.isEmpty()) {
                return new Decision.Local(LocalReason.INFO_QUERY, "", true);
            }
            if (preprocessOnly) {
                return new Decision.Local(LocalReason.PREPROCESS_ONLY, "-E", true);
            }
            if (dependencyOnly) {
                return new Decision.Local(LocalReason.DEPENDENCY_ONLY, "-M/-MM", true);
            }
            if (info) {
                return local(LocalReason.INFO_QUERY, "informational option on a compile");
            }
            if (!compile && !assemble) {
                return local(LocalReason.NOT_A_COMPILE, inputs.isEmpty() ? "no input" : "link or driver-only run");
            }
            if (compile && assemble) {
                return local(LocalReason.CONFLICTING_OPTIONS, "both -c and -S");
            }
            if (firstProblem != null) {
                return firstProblem;
            }
            if (inputs.isEmpty()) {
                return local(LocalReason.NO_SOURCE, "");
            }
            if (inputs.size() > 1) {
                List<String> names = inputs.stream().map(Item::input).toList();
                return local(LocalReason.MULTIPLE_SOURCES, String.join(" ", names));
            }
            Item source = inputs.get(0);
            if (source.input().equals("-")) {
                return local(LocalReason.STDIN_SOURCE, "-");
            }
            if (source.input().isEmpty()) {
                return local(LocalReason.BAD_INPUT, "empty input file name");
            }
            if (outputs.size() > 1) {
                return local(LocalReason.CONFLICTING_OPTIONS, "several -o: " + String.join(" ", outputs));
            }
            if (!outputs.isEmpty() && outputs.get(0).equals("-")) {
                return local(LocalReason.UNSUPPORTED_OPTION, "-o - writes to stdout");
            }
            if (archCount > 1) {
                return local(LocalReason.MULTIPLE_ARCH, archCount + " x -arch");
            }
            Object lang = language(source);
            if (lang instanceof Decision.Local l) {
                return l;
            }
            String language = (String) lang;
            Decision.Local pch = precompiledHeader();
            if (pch != null) {
                return pch;
            }
            DebugInfo debug = family == CompilerFamily.GCC ? gccDebug() : clangDebug();
            if (debug.problem != null) {
                return debug.problem;
            }
            return build(source.input(), language, debug.enabled, debug.fileAsSource);
        }

        /** Returns the language ("c" or "c++") or a Local decision. */
        private Object language(Item source) {
            String x = source.languageOverride();
            if (x != null) {
                return switch (x) {
                    case "c", "c++" -> x;
                    case "cpp-output", "c++-cpp-output", "objective-c-cpp-output", "objective-c++-cpp-output" ->
                            local(LocalReason.ALREADY_PREPROCESSED, "-x " + x);
                    case "assembler", "assembler-with-cpp" -> local(LocalReason.ASSEMBLER, "-x " + x);
                    case "c-header", "c++-header", "c++-system-header", "c++-user-header", "objective-c-header",
                         "objective-c++-header", "c-header-unit", "c++-header-unit" ->
                            local(LocalReason.PRECOMPILED_HEADER, "-x " + x);
                    default -> local(LocalReason.UNSUPPORTED_LANGUAGE, "-x " + x);
                };
            }
            String name = source.input();
            int slash = name.lastIndexOf('/');
            int dot = name.lastIndexOf('.');
            String ext = dot > slash + 1 ? name.substring(dot) : "";
            return switch (ext) {
                case ".c" -> "c";
                case ".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C" -> "c++";
                case ".i", ".ii", ".mi", ".mii" -> local(LocalReason.ALREADY_PREPROCESSED, name);
                case ".s", ".S", ".sx" -> local(LocalReason.ASSEMBLER, name);
                case ".h", ".hh", ".H", ".hp", ".hxx", ".hpp", ".HPP", ".h++", ".tcc" ->
                        local(LocalReason.PRECOMPILED_HEADER, name);
                default -> local(LocalReason.UNSUPPORTED_LANGUAGE, name);
            };
        }

        /** A -include'd header with a .gch/.pch next to it is silently replaced by the PCH. */
        private Decision.Local precompiledHeader() {
            for (String header : includes) {
                List<Path> candidates = new ArrayList<>();
                candidates.add(cwd.resolve(header));
                if (!header.startsWith("/")) {
                    for (String dir : includeDirs) {
                        candidates.add(cwd.resolve(dir).resolve(header));
                    }
                }
                for (Path c : candidates) {
                    for (String suffix : List.of(".gch", ".pch")) {
                        try {
                            if (Files.exists(c.resolveSibling(c.getFileName() + suffix))) {
                                return local(LocalReason.PRECOMPILED_HEADER, c + suffix);
                            }
                        } catch (RuntimeException ignored) {
                            // Unusual names simply cannot have a PCH next to them.
                        }
                    }
                }
            }
            return null;
        }

        /** fileAsSource: gcc -g recording its switches, see {@link Decision.InputMode#FILE_AS_SOURCE}. */
        private record DebugInfo(boolean enabled, Decision.Local problem, boolean fileAsSource) {
            DebugInfo(boolean enabled, Decision.Local problem) {
                this(enabled, problem, false);
            }
        }

        private DebugInfo gccDebug() {
            int level = 0;
            boolean record = true; // Debian/upstream gcc default: -grecord-gcc-switches
            for (String g : debugArgs) {
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
                    return new DebugInfo(false, local(LocalReason.UNSUPPORTED_OPTION, g));
                }
            }
            if (level == 0) {
                return new DebugInfo(false, null);
            }
            if (level >= 3) {
                return new DebugInfo(true, local(LocalReason.DEBUG_MACRO_INFO, "-g3"));
            }
            if (record) {
                return recordedSwitches();
            }
            if (noWorkingDirectory) {
                // Without the working-directory linemarker the servant's cwd becomes DW_AT_comp_dir.
                return new DebugInfo(true, local(LocalReason.DEBUG_INFO_PATHS, "-fno-working-directory with -g"));
            }
            return new DebugInfo(true, null);
        }

        /**
         * The remote command must produce the same DW_AT_producer, so it can carry neither
         * -fpreprocessed nor -fdirectives-only: the servant compiles the directives-only output
         * as ordinary source, see {@code dev.vxcc.daemon.servant.SourceInput}. Verified with
         * gcc 12 for relative (also "../") and absolute sources, C and C++, -g/-g1/-g2,
         * -gdwarf-4/5, -O0/-O2, -fPIC, -ffunction-sections, -D/-U; anything outside that stays local.
         */
        private DebugInfo recordedSwitches() {
            String why = null;
            if (userPathMapping) {
                why = "a user path mapping would interact with the one the servant adds";
            } else if (recordedPreprocessorSwitch != null) {
                // Dropped from the remote command, yet listed in DW_AT_producer (and -undef
                // would also have to suppress the remote compiler's predefined macros).
                why = recordedPreprocessorSwitch + " is recorded in DW_AT_producer";
            } else {
                String pathProblem = dev.vxcc.daemon.servant.SourceInput.pathProblem(inputs.get(0).input());
                String cwdProblem = dev.vxcc.daemon.servant.SourceInput.cwdProblem(cwd.toString());
                why = pathProblem != null ? pathProblem : cwdProblem;
            }
            if (why != null) {
                return new DebugInfo(true, local(LocalReason.DEBUG_INFO_RECORDS_SWITCHES, why));
            }
            return new DebugInfo(true, null, true);
        }

        private DebugInfo clangDebug() {
            boolean enabled = false;
            boolean record = false;
            boolean macros = false;
            int dwarfVersion = 0;
            for (String g : debugArgs) {
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
                return new DebugInfo(false, null);
            }
            if (record) {
                return new DebugInfo(true, local(LocalReason.DEBUG_INFO_RECORDS_SWITCHES, "-grecord-command-line"));
            }
            if (macros) {
                return new DebugInfo(true, local(LocalReason.DEBUG_MACRO_INFO, "-g3"));
            }
            if (userPathMapping) {
                return new DebugInfo(true, local(LocalReason.DEBUG_INFO_PATHS,
                        "user path mapping would interact with the mapping vxcc adds"));
            }
            if (dwarfVersion == 0 || dwarfVersion >= 5) {
                // clang 14 defaults to DWARF 5 on Linux; its MD5 file checksums are only
                // emitted when every file has one, which is never the case for stdin input.
                return new DebugInfo(true, local(LocalReason.DEBUG_INFO_CHECKSUMS,
                        "clang -g needs an explicit -gdwarf-4 or lower to be distributed"));
            }
            if (!inputs.get(0).input().startsWith("/")) {
                // With stdin input clang cannot reproduce the relative main-file entry of the line table.
                return new DebugInfo(true, local(LocalReason.DEBUG_INFO_PATHS,
                        "clang -g with a relative source path"));
            }
            return new DebugInfo(true, null);
        }

        private Decision build(String source, String language, boolean debug, boolean fileAsSource) {
            String outputSuffix = assemble ? ".s" : ".o";
            String outputAsWritten = outputs.isEmpty() ? null : outputs.get(0);
            String effectiveOutput = outputAsWritten != null ? outputAsWritten
                    : stripExtension(basename(source)) + outputSuffix;
            Path outputPath = cwd.resolve(effectiveOutput);

            List<String> base = new ArrayList<>();
            List<String> remote = new ArrayList<>();
            List<String> remoteFallback = new ArrayList<>();
            for (Item item : items) {
                if (item.input() != null) {
                    base.add(item.input());
                    continue;
                }
                Match m = item.option();
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
            // The preprocessing run has no -o, so name what gcc/clang would have derived from it.
            if (outputAsWritten != null) {
                if (driverDependency && !hasMF) {
                    base.add("-MF");
                    base.add(stripExtension(outputAsWritten) + ".d");
                }
                // gcc derives the -Wp,-MD target from the source name in both runs; clang would
                // take the -o value locally, which the -E run no longer has.
                boolean needTarget = driverDependency || (family == CompilerFamily.CLANG && wpDependency);
                if (needTarget && !hasTarget) {
                    base.add("-MQ");
                    base.add(outputAsWritten);
                }
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
                    remote, remoteFallback, List.copyOf(extraOutputs), mode,
                    fileAsSource ? source : "", fileAsSource ? cwd.toString() : "");
        }
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
