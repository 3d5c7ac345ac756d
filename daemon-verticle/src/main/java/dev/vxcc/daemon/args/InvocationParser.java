package dev.vxcc.daemon.args;

import dev.vxcc.daemon.args.Invocation.Arg;
import dev.vxcc.daemon.args.Invocation.DebugFacts;
import dev.vxcc.daemon.args.Invocation.Dependencies;
import dev.vxcc.daemon.args.Invocation.Mode;
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
import java.util.function.Predicate;

/**
 * The parse pass: walks a command line once with {@link OptionTable}, splitting it into options
 * and inputs, then reads what the invocation is off that list, including the first reason it
 * cannot be distributed. It decides nothing about debug info or remote recipes.
 *
 * <p>The reasons come in a fixed order, because the first one wins and the driver mode decides
 * the quota class: argv that cannot be read at all, then the driver mode, then the first option
 * that cannot be reproduced remotely, then the inputs, the output, -arch, the language and a
 * precompiled header.
 */
public final class InvocationParser {

    private InvocationParser() {
    }

    public static Invocation parse(String tool, Path compilerPath, List<String> rawArgs, Path cwd) {
        if (rawArgs == null) {
            return Invocation.stopped(null, cwd, local(LocalReason.BAD_INPUT, "no argument list"));
        }
        for (String a : rawArgs) {
            if (a == null) {
                return Invocation.stopped(null, cwd, local(LocalReason.BAD_INPUT, "null argument"));
            }
        }
        if (cwd == null || !cwd.isAbsolute()) {
            return Invocation.stopped(null, cwd,
                    local(LocalReason.BAD_INPUT, "working directory must be absolute: " + cwd));
        }
        CompilerFamily family = CompilerFamily.detect(tool, compilerPath).orElse(null);
        if (family == null) {
            return Invocation.stopped(null, cwd,
                    local(LocalReason.UNKNOWN_COMPILER, "tool " + tool + ", compiler " + compilerPath));
        }
        List<String> args;
        try {
            args = ResponseFiles.expand(rawArgs, cwd, family);
        } catch (ResponseFiles.UnreadableException e) {
            return Invocation.stopped(family, cwd, local(LocalReason.RESPONSE_FILE_UNREADABLE, e.getMessage()));
        }
        Tokens tokens = tokenize(args, family);
        if (tokens.stop() != null) {
            return Invocation.stopped(family, cwd, tokens.stop());
        }
        return new Reading(family, cwd, tokens).invocation();
    }

    /**
     * argv split into options and inputs.
     *
     * @param stop         set when the rest of argv can no longer be interpreted
     * @param firstProblem the first option that cannot be reproduced remotely; it only counts once
     *                     the driver mode says this is a compile
     */
    private record Tokens(List<Arg> args, Decision.Local stop, Decision.Local firstProblem) {
    }

    private static Tokens tokenize(List<String> argv, CompilerFamily family) {
        List<Arg> args = new ArrayList<>();
        Decision.Local firstProblem = null;
        String language = null;
        for (int i = 0; i < argv.size(); ) {
            String arg = argv.get(i);
            if (arg == null) {
                return new Tokens(args, local(LocalReason.BAD_INPUT, "null argument at index " + i), null);
            }
            if (arg.equals("-") || !arg.startsWith("-")) {
                args.add(Arg.input(arg, language));
                i++;
                continue;
            }
            Lookup lookup = OptionTable.lookup(argv, i);
            if (lookup instanceof MissingValue missing) {
                return new Tokens(args, local(LocalReason.MISSING_VALUE, missing.spec().name() + " needs a value"),
                        null);
            }
            if (lookup instanceof Unknown unknown) {
                // It might consume the next argument, so nothing after it can be trusted.
                return new Tokens(args, local(LocalReason.UNKNOWN_OPTION, unknown.arg()), null);
            }
            Match m = ((Found) lookup).match();
            i += m.consumed();
            args.add(Arg.option(m));
            if (firstProblem == null) {
                firstProblem = problem(m, family);
            }
            String empty = emptyValue(m);
            if (empty != null) {
                return new Tokens(args, local(LocalReason.MISSING_VALUE, empty), null);
            }
            if (m.spec().role() == Role.LANGUAGE) {
                language = m.value().equals("none") ? null : m.value();
            }
        }
        return new Tokens(args, null, firstProblem);
    }

    /** Why this option alone keeps the compile local, or null. */
    private static Decision.Local problem(Match m, CompilerFamily family) {
        OptionTable.Spec spec = m.spec();
        String value = m.value();
        String spelled = String.join(" ", m.tokens());
        if (m.consumed() > 1 && value.startsWith("@")) {
            // Only "@" itself survives expansion; servants refuse it even as a value (-l @), so do not send it.
            return local(LocalReason.UNSUPPORTED_OPTION, spelled);
        }
        if (spec.check() != null && value != null) {
            LocalReason verdict = spec.check().check(family, value);
            if (verdict != null) {
                return local(verdict, spelled);
            }
        }
        return spec.role() == Role.LOCAL ? local(spec.localReason(), spelled) : null;
    }

    /** A message when an option whose value names something has an empty one. */
    private static String emptyValue(Match m) {
        OptionTable.Spec spec = m.spec();
        return switch (spec.role()) {
            case OUTPUT -> m.value().isEmpty() ? "-o with an empty value" : null;
            case LANGUAGE -> m.value().isEmpty() ? "-x with an empty value" : null;
            case DEPENDENCY -> spec.takesValue() && m.value().isEmpty() ? spec.name() + " with an empty value" : null;
            default -> null;
        };
    }

    /** The facts read off a fully tokenised argv, and the verdict on them. */
    private static final class Reading {
        private final CompilerFamily family;
        private final Path cwd;
        private final List<Arg> args;
        private final Decision.Local firstProblem;
        private final List<Arg> inputs;
        private final List<String> outputs;

        Reading(CompilerFamily family, Path cwd, Tokens tokens) {
            this.family = family;
            this.cwd = cwd;
            this.args = tokens.args();
            this.firstProblem = tokens.firstProblem();
            this.inputs = args.stream().filter(Arg::isInput).toList();
            this.outputs = options(Role.OUTPUT).stream().map(Match::value).toList();
        }

        Invocation invocation() {
            Mode mode = mode();
            String source = inputs.size() == 1 ? inputs.get(0).input() : null;
            String output = outputs.isEmpty() ? null : outputs.get(0);
            Decision.Local reason = modeReason(mode);
            if (reason == null) {
                reason = compileReason();
            }
            Language language = reason == null ? language(inputs.get(0)) : Language.UNREAD;
            if (reason == null) {
                reason = language.refusal();
            }
            if (reason == null) {
                reason = precompiledHeader();
            }
            return new Invocation(family, cwd, args, mode, source, language.name(), output, dependencies(),
                    debugFacts(), extraOutputs(), reason);
        }

        /** Info queries without inputs come first: they are lightweight even next to -E. */
        private Mode mode() {
            boolean info = has(Role.INFO);
            boolean compile = has(Role.COMPILE_MODE);
            boolean assemble = has(Role.ASSEMBLE_MODE);
            if (info && inputs.isEmpty()) {
                return Mode.INFO;
            } else if (has(Role.PREPROCESS_MODE)) {
                return Mode.PREPROCESS;
            } else if (has(Role.DEPENDENCY_ONLY)) {
                return Mode.LIST_DEPENDENCIES;
            } else if (info) {
                return Mode.INFO;
            } else if (!compile && !assemble) {
                return Mode.LINK;
            } else if (compile && assemble) {
                return Mode.CONFLICTING;
            }
            return compile ? Mode.COMPILE : Mode.ASSEMBLE;
        }

        private Decision.Local modeReason(Mode mode) {
            return switch (mode) {
                case INFO -> inputs.isEmpty() ? new Decision.Local(LocalReason.INFO_QUERY, "", true)
                        : local(LocalReason.INFO_QUERY, "informational option on a compile");
                case PREPROCESS -> new Decision.Local(LocalReason.PREPROCESS_ONLY, "-E", true);
                case LIST_DEPENDENCIES -> new Decision.Local(LocalReason.DEPENDENCY_ONLY, "-M/-MM", true);
                case LINK -> local(LocalReason.NOT_A_COMPILE, inputs.isEmpty() ? "no input" : "link or driver-only run");
                case CONFLICTING -> local(LocalReason.CONFLICTING_OPTIONS, "both -c and -S");
                case COMPILE, ASSEMBLE -> null;
                case UNKNOWN -> throw new IllegalStateException("mode of a fully read command line");
            };
        }

        /** What keeps a compile with a known mode local, short of its language. */
        private Decision.Local compileReason() {
            if (firstProblem != null) {
                return firstProblem;
            }
            if (inputs.isEmpty()) {
                return local(LocalReason.NO_SOURCE, "");
            }
            if (inputs.size() > 1) {
                List<String> names = inputs.stream().map(Arg::input).toList();
                return local(LocalReason.MULTIPLE_SOURCES, String.join(" ", names));
            }
            String source = inputs.get(0).input();
            if (source.equals("-")) {
                return local(LocalReason.STDIN_SOURCE, "-");
            }
            if (source.isEmpty()) {
                return local(LocalReason.BAD_INPUT, "empty input file name");
            }
            if (outputs.size() > 1) {
                return local(LocalReason.CONFLICTING_OPTIONS, "several -o: " + String.join(" ", outputs));
            }
            if (!outputs.isEmpty() && outputs.get(0).equals("-")) {
                return local(LocalReason.UNSUPPORTED_OPTION, "-o - writes to stdout");
            }
            long archCount = options(Role.ARCH).size();
            if (archCount > 1) {
                return local(LocalReason.MULTIPLE_ARCH, archCount + " x -arch");
            }
            return null;
        }

        /** "c" or "c++", or why the source is not plain C or C++. */
        private record Language(String name, Decision.Local refusal) {
            static final Language UNREAD = new Language(null, null);

            static Language of(String name) {
                return new Language(name, null);
            }

            static Language refused(LocalReason reason, String detail) {
                return new Language(null, local(reason, detail));
            }
        }

        private static Language language(Arg source) {
            String x = source.languageOverride();
            if (x != null) {
                return switch (x) {
                    case "c", "c++" -> Language.of(x);
                    case "cpp-output", "c++-cpp-output", "objective-c-cpp-output", "objective-c++-cpp-output" ->
                            Language.refused(LocalReason.ALREADY_PREPROCESSED, "-x " + x);
                    case "assembler", "assembler-with-cpp" -> Language.refused(LocalReason.ASSEMBLER, "-x " + x);
                    case "c-header", "c++-header", "c++-system-header", "c++-user-header", "objective-c-header",
                         "objective-c++-header", "c-header-unit", "c++-header-unit" ->
                            Language.refused(LocalReason.PRECOMPILED_HEADER, "-x " + x);
                    default -> Language.refused(LocalReason.UNSUPPORTED_LANGUAGE, "-x " + x);
                };
            }
            String name = source.input();
            int slash = name.lastIndexOf('/');
            int dot = name.lastIndexOf('.');
            String ext = dot > slash + 1 ? name.substring(dot) : "";
            return switch (ext) {
                case ".c" -> Language.of("c");
                case ".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C" -> Language.of("c++");
                case ".i", ".ii", ".mi", ".mii" -> Language.refused(LocalReason.ALREADY_PREPROCESSED, name);
                case ".s", ".S", ".sx" -> Language.refused(LocalReason.ASSEMBLER, name);
                case ".h", ".hh", ".H", ".hp", ".hxx", ".hpp", ".HPP", ".h++", ".tcc" ->
                        Language.refused(LocalReason.PRECOMPILED_HEADER, name);
                default -> Language.refused(LocalReason.UNSUPPORTED_LANGUAGE, name);
            };
        }

        /** A -include'd header with a .gch/.pch next to it is silently replaced by the PCH. */
        private Decision.Local precompiledHeader() {
            List<String> includeDirs = values(Role.PREPROCESS, Set.of("-I", "-iquote", "-isystem", "-idirafter"));
            for (String header : values(Role.PREPROCESS, Set.of("-include", "--include"))) {
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

        private Dependencies dependencies() {
            Set<String> names = new LinkedHashSet<>(options(Role.DEPENDENCY).stream().map(m -> m.spec().name()).toList());
            boolean passedThrough = options(Role.PREPROCESS).stream()
                    .anyMatch(m -> (m.spec().name().equals("-Wp,") || m.spec().name().equals("-Xpreprocessor"))
                            && m.value().startsWith("-M"));
            return new Dependencies(names.contains("-MD") || names.contains("-MMD"), names.contains("-MF"),
                    names.contains("-MT") || names.contains("-MQ"), passedThrough);
        }

        private DebugFacts debugFacts() {
            List<String> switches = options(Role.DEBUG).stream().map(m -> m.tokens().get(0)).toList();
            boolean noWorkingDirectory = false;
            String recorded = null;
            for (Match m : options(Role.PREPROCESS)) {
                switch (m.spec().name()) {
                    case "-fno-working-directory", "-fworking-directory" -> {
                        noWorkingDirectory = m.spec().name().equals("-fno-working-directory");
                        recorded = m.spec().name();
                    }
                    case "-undef", "-H" -> recorded = m.spec().name();
                    default -> { }
                }
            }
            boolean userPathMapping = options(Role.COMPILE).stream()
                    .filter(m -> m.spec().extraOutput() == null)
                    .map(m -> m.tokens().get(0))
                    .anyMatch(a -> a.startsWith("-fdebug-prefix-map=") || a.startsWith("-ffile-prefix-map=")
                            || a.startsWith("-fmacro-prefix-map=") || a.startsWith("-fdebug-compilation-dir"));
            return new DebugFacts(switches, noWorkingDirectory, recorded, userPathMapping);
        }

        /** Side files such as -fstack-usage's .su, in the order first asked for; a later -fno-... cancels. */
        private List<String> extraOutputs() {
            Set<String> suffixes = new LinkedHashSet<>();
            for (Match m : options(Role.COMPILE)) {
                if (m.spec().extraOutput() != null) {
                    suffixes.add(m.spec().extraOutput());
                } else if (m.tokens().get(0).equals("-fno-stack-usage")) {
                    suffixes.remove(".su");
                }
            }
            return List.copyOf(suffixes);
        }

        private boolean has(Role role) {
            return !options(role).isEmpty();
        }

        private List<Match> options(Role role) {
            return matching(m -> m.spec().role() == role);
        }

        private List<String> values(Role role, Set<String> names) {
            return matching(m -> m.spec().role() == role && names.contains(m.spec().name()))
                    .stream().map(Match::value).toList();
        }

        private List<Match> matching(Predicate<Match> p) {
            return args.stream().filter(a -> !a.isInput()).map(Arg::option).filter(p).toList();
        }
    }

    private static Decision.Local local(LocalReason reason, String detail) {
        return new Decision.Local(reason, detail, false);
    }
}
