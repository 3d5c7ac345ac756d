package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArgumentClassifierTest {

    private static final Path CWD = Path.of("/work/proj");

    static Decision gcc(String... args) {
        return ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"), List.of(args), CWD);
    }

    static Decision clang(String... args) {
        return ArgumentClassifier.classify("clang++", Path.of("/usr/bin/clang++"), List.of(args), CWD);
    }

    static Decision.Remote remote(Decision d) {
        return assertInstanceOf(Decision.Remote.class, d, () -> "expected remote, got " + d);
    }

    static Decision.Local local(Decision d, LocalReason reason) {
        Decision.Local l = assertInstanceOf(Decision.Local.class, d, () -> "expected local, got " + d);
        assertEquals(reason, l.reason(), () -> "detail: " + l.detail());
        return l;
    }

    static List<String> split(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split(" +"));
    }

    @Test
    void gccBasicCompileRecipe() {
        Decision.Remote r = remote(gcc("-O2", "-Iinc", "-DNDEBUG", "-Wall", "-c", "src/m.cpp", "-o", "out/m.o", "-fPIC"));
        assertEquals(CompilerFamily.GCC, r.family());
        assertEquals("c++", r.language());
        assertEquals("src/m.cpp", r.sourcePath());
        assertEquals(Path.of("/work/proj/out/m.o"), r.outputPath());
        assertEquals(".o", r.outputSuffix());
        assertEquals(split("-O2 -Iinc -DNDEBUG -Wall src/m.cpp -fPIC -E -fdirectives-only"), r.preprocessArgs());
        assertEquals(split("-O2 -Iinc -DNDEBUG -Wall src/m.cpp -fPIC -E"), r.fallbackPreprocessArgs());
        assertEquals(split("-O2 -Wall -c -fPIC -x c++ -fpreprocessed -fdirectives-only"), r.remoteArgs());
        assertEquals(split("-O2 -Wall -c -fPIC -x c++-cpp-output"), r.fallbackRemoteArgs());
        assertEquals(List.of(), r.extraOutputs());
    }

    @Test
    void clangRecipeKeepsMacrosAndNamesMainFile() {
        Decision.Remote r = remote(clang("-O2", "-Iinc", "-DFOO=1", "-UBAR", "-c", "src/m.c"));
        assertEquals(CompilerFamily.CLANG, r.family());
        assertEquals("c", r.language());
        assertEquals(split("-O2 -Iinc -DFOO=1 -UBAR src/m.c -E -frewrite-includes"), r.preprocessArgs());
        assertEquals(split("-O2 -DFOO=1 -UBAR -c -x c -Xclang -main-file-name -Xclang m.c"), r.remoteArgs());
        assertEquals(split("-O2 -c -x cpp-output -Xclang -main-file-name -Xclang m.c"), r.fallbackRemoteArgs());
        assertEquals(Path.of("/work/proj/m.o"), r.outputPath());
    }

    @Test
    void preprocessorOnlyOptionsAreDroppedRemotelyInOrder() {
        Decision.Remote r = remote(gcc("-isystem", "/x", "-iquote", "q", "-idirafter", "d", "-include", "pre.h",
                "-imacros", "m.h", "-std=c++20", "-I", "sep", "-D", "A=1", "-U", "B", "-nostdinc++",
                "-Wmissing-include-dirs", "--sysroot=/sr", "-isysroot", "/isr", "-fno-exceptions", "-c", "a.cc"));
        assertEquals(split("-std=c++20 -fno-exceptions -c -x c++ -fpreprocessed -fdirectives-only"), r.remoteArgs());
        assertTrue(r.preprocessArgs().containsAll(List.of("-isystem", "/x", "-include", "pre.h", "-imacros", "m.h",
                "-I", "sep", "-D", "A=1", "--sysroot=/sr", "-Wmissing-include-dirs")));
    }

    @Test
    void diagnosticsColorAndWerrorStayRemote() {
        Decision.Remote r = remote(gcc("-fdiagnostics-color=always", "-Werror", "-fcolor-diagnostics", "-c", "a.c"));
        assertEquals(split("-fdiagnostics-color=always -Werror -fcolor-diagnostics -c -x c -fpreprocessed -fdirectives-only"),
                r.remoteArgs());
    }

    @ParameterizedTest
    @CsvSource({
            "a.c, c", "a.cc, c++", "a.cpp, c++", "a.cxx, c++", "a.c++, c++", "a.C, c++", "a.cp, c++", "a.CPP, c++",
            "dir.x/a.c, c"})
    void languageFromExtension(String file, String language) {
        assertEquals(language, remote(gcc("-c", file)).language());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-x c++ -c a.txt | c++", "-xc++ -c a.txt | c++", "-x c -c a.cpp | c", "-xc -c a.cpp | c",
            "-x c -x none -c a.cpp | c++"})
    void languageFromDashX(String args, String language) {
        Decision.Remote r = remote(gcc(split(args).toArray(String[]::new)));
        assertEquals(language, r.language());
        // The servant's -x must be the last one before its "-".
        List<String> ra = r.remoteArgs();
        assertEquals(language, ra.get(ra.lastIndexOf("-x") + 1));
        assertFalse(ra.contains("-xc++") || ra.contains("-xc"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-O2 a.o b.o -o app | NOT_A_COMPILE",
            "a.c | NOT_A_COMPILE",
            "-c a.c b.c | MULTIPLE_SOURCES",
            "-c a.c b.o | MULTIPLE_SOURCES",
            "-c | NO_SOURCE",
            "-O2 -c | NO_SOURCE",
            "-c - | STDIN_SOURCE",
            "-x c -c - | STDIN_SOURCE",
            "-c a.s | ASSEMBLER", "-c a.S | ASSEMBLER", "-c a.sx | ASSEMBLER",
            "-x assembler -c a.c | ASSEMBLER", "-x assembler-with-cpp -c a.c | ASSEMBLER",
            "-c a.i | ALREADY_PREPROCESSED", "-c a.ii | ALREADY_PREPROCESSED",
            "-x c++-cpp-output -c a.cc | ALREADY_PREPROCESSED", "-fpreprocessed -c a.c | ALREADY_PREPROCESSED",
            "-c a.m | UNSUPPORTED_LANGUAGE", "-x objective-c -c a.c | UNSUPPORTED_LANGUAGE",
            "-x foo -c a.c | UNSUPPORTED_LANGUAGE", "-c a.f90 | UNSUPPORTED_LANGUAGE", "-c a | UNSUPPORTED_LANGUAGE",
            "-march=native -c a.c | MARCH_NATIVE", "-mtune=native -c a.c | MARCH_NATIVE",
            "-mcpu=native -c a.c | MARCH_NATIVE",
            "-include-pch p.pch -c a.c | PRECOMPILED_HEADER", "-c a.h | PRECOMPILED_HEADER",
            "-x c++-header -c a.cc | PRECOMPILED_HEADER", "-fpch-preprocess -c a.c | PRECOMPILED_HEADER",
            "-fprofile-use -c a.c | PROFILE_DATA", "-fprofile-use=p.prof -c a.c | PROFILE_DATA",
            "-fprofile-generate -c a.c | PROFILE_DATA", "-fprofile-generate=dir -c a.c | PROFILE_DATA",
            "-fprofile-instr-use=x -c a.c | PROFILE_DATA", "-fauto-profile=x -c a.c | PROFILE_DATA",
            "-fprofile-arcs -c a.c | COVERAGE", "--coverage -c a.c | COVERAGE", "-ftest-coverage -c a.c | COVERAGE",
            "-save-temps -c a.c | SAVE_TEMPS", "-save-temps=obj -c a.c | SAVE_TEMPS",
            "-g -gsplit-dwarf -c a.c | SPLIT_DWARF",
            "-fplugin=x.so -c a.c | PLUGIN_OR_SPECS", "-fplugin-arg-x-y=1 -c a.c | PLUGIN_OR_SPECS",
            "-specs=x.specs -c a.c | PLUGIN_OR_SPECS", "-Xclang -load -Xclang x.so -c a.c | PLUGIN_OR_SPECS",
            "-wrapper gdb -c a.c | COMPILER_WRAPPER_OPTION", "-B /opt/bin -c a.c | COMPILER_WRAPPER_OPTION",
            "-B/opt/bin -c a.c | COMPILER_WRAPPER_OPTION", "--gcc-toolchain=/x -c a.c | COMPILER_WRAPPER_OPTION",
            "-fsanitize-ignorelist=x.txt -c a.c | LOCAL_FILE_INPUT",
            "-fdump-tree-all -c a.c | EXTRA_OUTPUT_FILES", "-fcallgraph-info -c a.c | EXTRA_OUTPUT_FILES",
            "-fopt-info-vec=x.txt -c a.c | EXTRA_OUTPUT_FILES", "-Wa,-adhln=x.lst -c a.c | EXTRA_OUTPUT_FILES",
            "-MJ x.json -c a.c | EXTRA_OUTPUT_FILES",
            "-flto -c a.c | LTO", "-flto=auto -c a.c | LTO",
            "-fmodules-ts -c a.cc | MODULES", "-fmodules -c a.cc | MODULES",
            "-frecord-gcc-switches -c a.c | DEBUG_INFO_RECORDS_SWITCHES",
            "-finput-charset=latin1 -c a.c | UNSUPPORTED_OPTION",
            "-Wp,-O2 -c a.c | UNSUPPORTED_OPTION",
            "-c -S a.c | CONFLICTING_OPTIONS",
            "-c a.c -o x.o -o y.o | CONFLICTING_OPTIONS",
            "-c a.c -o - | UNSUPPORTED_OPTION",
            "-c a.c --frobnicate x | UNKNOWN_OPTION",
            "-c a.c -Q | UNKNOWN_OPTION",
            "-fsyntax-only a.c | NOT_A_COMPILE",
            "-arch x86_64 -arch arm64 -c a.c | MULTIPLE_ARCH"})
    void goesLocal(String args, LocalReason reason) {
        Decision.Local l = local(gcc(split(args).toArray(String[]::new)), reason);
        assertFalse(l.lightweight());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-E a.c | PREPROCESS_ONLY",
            "-E -c a.c | PREPROCESS_ONLY",
            "-E -fdirectives-only a.c | PREPROCESS_ONLY",
            "-M a.c | DEPENDENCY_ONLY",
            "-MM a.c | DEPENDENCY_ONLY",
            "-MM -MF x.d a.c | DEPENDENCY_ONLY",
            "-dumpversion | INFO_QUERY", "-dumpmachine | INFO_QUERY", "--version | INFO_QUERY", "-v | INFO_QUERY",
            "-print-prog-name=cc1 | INFO_QUERY", "-print-search-dirs | INFO_QUERY", "--help=warnings | INFO_QUERY",
            "-### | INFO_QUERY"})
    void lightweightLocal(String args, LocalReason reason) {
        Decision.Local l = local(gcc(split(args).toArray(String[]::new)), reason);
        assertTrue(l.lightweight());
    }

    @Test
    void verboseCompileIsHeavy() {
        assertFalse(local(gcc("-v", "-c", "a.c"), LocalReason.INFO_QUERY).lightweight());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-o", "-x", "-MF", "-MT", "-MQ", "-I", "-include", "-isystem", "-D", "-arch", "-Xclang"})
    void optionWithoutValueIsLocal(String option) {
        local(gcc("-c", "a.c", option), LocalReason.MISSING_VALUE);
    }

    @Test
    void emptyValuesAreLocal() {
        local(gcc("-c", "a.c", "-o", ""), LocalReason.MISSING_VALUE);
        local(gcc("-c", "a.c", "-x", ""), LocalReason.MISSING_VALUE);
        local(gcc("-c", "a.c", "-MF", ""), LocalReason.MISSING_VALUE);
    }

    @Test
    void garbageNeverThrows() {
        local(gcc(), LocalReason.NOT_A_COMPILE);
        local(gcc(""), LocalReason.NOT_A_COMPILE);
        local(gcc("-c", ""), LocalReason.BAD_INPUT);
        local(ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"), null, CWD), LocalReason.BAD_INPUT);
        local(ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"), List.of("-c", "a.c"), null),
                LocalReason.BAD_INPUT);
        local(ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"), List.of("-c", "a.c"), Path.of("rel")),
                LocalReason.BAD_INPUT);
        List<String> withNull = new ArrayList<>(List.of("-c", "a.c"));
        withNull.add(null);
        local(ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"), withNull, CWD), LocalReason.BAD_INPUT);
        local(ArgumentClassifier.classify("rustc", Path.of("/usr/bin/rustc"), List.of("-c", "a.c"), CWD),
                LocalReason.UNKNOWN_COMPILER);
        local(ArgumentClassifier.classify(null, null, List.of("-c", "a.c"), CWD), LocalReason.UNKNOWN_COMPILER);
        local(gcc("-c", "a.c", "-o"), LocalReason.MISSING_VALUE);
        local(gcc("-x", "whatever", "-c", "a.c"), LocalReason.UNSUPPORTED_LANGUAGE);
        local(gcc("-", "-", "-"), LocalReason.NOT_A_COMPILE);
        local(gcc("-c", "@"), LocalReason.UNSUPPORTED_LANGUAGE);
    }

    @Test
    void localReasonCodesAreUniqueKebabCase() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (LocalReason r : LocalReason.values()) {
            assertTrue(r.code().matches("[a-z0-9]+(-[a-z0-9]+)*"), r.code());
            assertTrue(seen.add(r.code()), "duplicate " + r.code());
            assertFalse(r.description().isBlank());
        }
    }

    // ---- output path ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-c src/a.cc -o out/a.o | /work/proj/out/a.o | .o",
            "-c src/a.cc -oout/b.o | /work/proj/out/b.o | .o",
            "-c src/a.cc -o /abs/c.o | /abs/c.o | .o",
            "-c src/a.cc | /work/proj/a.o | .o",
            "-c /x/y/a.b.cc | /work/proj/a.b.o | .o",
            "-S src/a.cc | /work/proj/a.s | .s",
            "-S src/a.cc -o x.asm | /work/proj/x.asm | .s"})
    void outputPath(String args, String path, String suffix) {
        Decision.Remote r = remote(gcc(split(args).toArray(String[]::new)));
        assertEquals(Path.of(path), r.outputPath());
        assertEquals(suffix, r.outputSuffix());
        assertFalse(r.remoteArgs().stream().anyMatch(a -> a.startsWith("-o")), r.remoteArgs().toString());
        assertFalse(r.preprocessArgs().stream().anyMatch(a -> a.startsWith("-o")));
    }

    @Test
    void assembleModeKeepsDashSRemotely() {
        Decision.Remote r = remote(gcc("-S", "a.c"));
        assertTrue(r.remoteArgs().contains("-S"));
        assertFalse(r.preprocessArgs().contains("-S"));
    }

    // ---- dependency files (each case checked against gcc 12 in /tmp, see GccFidelityTest) ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-MD -c src/m.cpp -o out/x.o | -MD src/m.cpp -MF out/x.d -MQ out/x.o",
            "-MMD -c src/m.cpp -o out/x.o | -MMD src/m.cpp -MF out/x.d -MQ out/x.o",
            "-MD -MF x.d -c src/m.cpp -o out/x.o | -MD -MF x.d src/m.cpp -MQ out/x.o",
            "-MMD -MP -MT y -c src/m.cpp -o out/x.o | -MMD -MP -MT y src/m.cpp -MF out/x.d",
            "-Wp,-MD,out/k.d -c src/m.cpp -o out/x.o | -Wp,-MD,out/k.d src/m.cpp",
            "-MD -c src/m.cpp | -MD src/m.cpp",
            "-MD -c src/m.cpp -o foo | -MD src/m.cpp -MF foo.d -MQ foo",
            "-MD -c src/m.cpp -o out/a.b.o | -MD src/m.cpp -MF out/a.b.d -MQ out/a.b.o",
            "-MD -MFout/y.d -MQfoo -c src/m.cpp -o out/x.o | -MD -MFout/y.d -MQfoo src/m.cpp",
            "-MD -S src/m.cpp -o out/x.s | -MD src/m.cpp -MF out/x.d -MQ out/x.s",
            "-c src/m.cpp -o out/x.o | src/m.cpp"})
    void gccDependencyArgs(String args, String expectedPreprocessPrefix) {
        Decision.Remote r = remote(gcc(split(args).toArray(String[]::new)));
        List<String> expected = new ArrayList<>(split(expectedPreprocessPrefix));
        expected.addAll(List.of("-E", "-fdirectives-only"));
        assertEquals(expected, r.preprocessArgs());
        assertFalse(r.remoteArgs().stream().anyMatch(a -> a.startsWith("-M") || a.startsWith("-Wp,")),
                r.remoteArgs().toString());
    }

    @Test
    void clangWpDependencyGetsExplicitTarget() {
        Decision.Remote r = remote(clang("-Wp,-MD,out/k.d", "-c", "src/m.cpp", "-o", "out/x.o"));
        assertEquals(split("-Wp,-MD,out/k.d src/m.cpp -MQ out/x.o -E -frewrite-includes"), r.preprocessArgs());
    }

    // ---- debug info ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-g -undef | DEBUG_INFO_RECORDS_SWITCHES", "-O2 -g -fdebug-prefix-map=/a=/b | DEBUG_INFO_RECORDS_SWITCHES",
            "-g -fno-working-directory | DEBUG_INFO_RECORDS_SWITCHES", "-g -H | DEBUG_INFO_RECORDS_SWITCHES",
            "-g3 | DEBUG_MACRO_INFO",
            "-g3 -gno-record-gcc-switches | DEBUG_MACRO_INFO", "-ggdb3 -gno-record-gcc-switches | DEBUG_MACRO_INFO",
            "-g -gno-record-gcc-switches -fno-working-directory | DEBUG_INFO_PATHS"})
    void gccDebugLocal(String args, LocalReason reason) {
        List<String> a = new ArrayList<>(split(args));
        a.addAll(List.of("-c", "a.c"));
        local(gcc(a.toArray(String[]::new)), reason);
    }

    /** Switches recorded in DW_AT_producer: compiled remotely as ordinary source from a file. */
    @ParameterizedTest
    @ValueSource(strings = {"-g", "-O2 -g", "-O2 -g1", "-ggdb", "-gdwarf-4", "-g2 -gdwarf-5",
            "-gno-record-gcc-switches -g -grecord-gcc-switches"})
    void gccDebugRecordingSwitchesCompilesAsSource(String args) {
        List<String> a = new ArrayList<>(split(args));
        a.addAll(List.of("-DX=1", "-Iinc", "-c", "src/a.c", "-o", "out/a.o"));
        Decision.Remote r = remote(gcc(a.toArray(String[]::new)));
        assertEquals(Decision.InputMode.FILE_AS_SOURCE, r.inputMode());
        assertEquals("src/a.c", r.inputPath());
        assertEquals("/work/proj", r.clientCwd());
        List<String> expected = new ArrayList<>(split(args));
        expected.addAll(List.of("-c", "-x", "c"));
        assertEquals(expected, r.remoteArgs());
        assertEquals(List.of(), r.fallbackRemoteArgs());
    }

    @Test
    void stdinModeCarriesNoPath() {
        Decision.Remote r = remote(gcc("-O2", "-g", "-gno-record-gcc-switches", "-c", "a.c"));
        assertEquals(Decision.InputMode.STDIN, r.inputMode());
        assertEquals("", r.inputPath());
        assertEquals("", r.clientCwd());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-g0 | false", "-g -g0 | false", "-g -gno-record-gcc-switches | true", "-gno-record-gcc-switches -g1 | true",
            "-g -gno-record-gcc-switches -gdwarf-4 | true", "-gz | false", "-O2 | false"})
    void gccDebugRemote(String args, boolean debug) {
        List<String> a = new ArrayList<>(split(args));
        a.addAll(List.of("-c", "a.c"));
        Decision.Remote r = remote(gcc(a.toArray(String[]::new)));
        assertEquals(!debug, r.hasFallback(), "debug builds must not fall back to column-losing -E");
    }

    @Test
    void clangDebugNeedsAbsoluteSource() {
        local(clang("-g", "-gdwarf-4", "-c", "src/m.cpp"), LocalReason.DEBUG_INFO_PATHS);
        local(clang("-g", "-c", "/abs/m.cpp"), LocalReason.DEBUG_INFO_CHECKSUMS);
        local(clang("-gdwarf-5", "-c", "/abs/m.cpp"), LocalReason.DEBUG_INFO_CHECKSUMS);
        local(clang("-gdwarf-4", "-g", "-ffile-prefix-map=/a=/b", "-c", "/abs/m.cpp"), LocalReason.DEBUG_INFO_PATHS);
        local(clang("-g", "-grecord-command-line", "-c", "/abs/m.cpp"), LocalReason.DEBUG_INFO_RECORDS_SWITCHES);
        local(clang("-g3", "-c", "/abs/m.cpp"), LocalReason.DEBUG_MACRO_INFO);
        Decision.Remote r = remote(clang("-O2", "-g", "-gdwarf-4", "-c", "/abs/src/m.cpp", "-o", "m.o"));
        assertEquals(split("-O2 -g -gdwarf-4 -c -x c++ -Xclang -main-file-name -Xclang m.cpp "
                + "-fdebug-compilation-dir=/work/proj -fdebug-prefix-map=m.cpp=/abs/src/m.cpp"), r.remoteArgs());
        assertFalse(r.hasFallback());
        remote(clang("-g", "-g0", "-c", "src/m.cpp"));
    }

    @Test
    void clangImacrosIsLocal() {
        local(clang("-imacros", "m.h", "-c", "a.c"), LocalReason.UNSUPPORTED_OPTION);
        remote(gcc("-imacros", "m.h", "-c", "a.c"));
    }

    // ---- misc options ----

    @Test
    void stackUsageIsAnExtraOutput() {
        assertEquals(List.of(".su"), remote(gcc("-fstack-usage", "-c", "a.c")).extraOutputs());
        assertEquals(List.of(), remote(gcc("-fstack-usage", "-fno-stack-usage", "-c", "a.c")).extraOutputs());
    }

    @Test
    void workingDirectoryOptionsArePreprocessOnly() {
        Decision.Remote r = remote(gcc("-fno-working-directory", "-c", "a.c"));
        assertFalse(r.remoteArgs().contains("-fno-working-directory"));
        assertTrue(r.preprocessArgs().contains("-fno-working-directory"));
    }

    @Test
    void wpAndXpreprocessorDefinesAreLocalOnly() {
        Decision.Remote r = remote(gcc("-Wp,-DX=1", "-Xpreprocessor", "-DY", "-c", "a.c"));
        assertEquals(split("-c -x c -fpreprocessed -fdirectives-only"), r.remoteArgs());
    }

    @Test
    void singleArchIsFine() {
        Decision.Remote r = remote(clang("-arch", "arm64", "-c", "a.c"));
        assertTrue(r.remoteArgs().containsAll(List.of("-arch", "arm64")));
    }

    @Test
    void linkerOptionsAreHarmlessOnCompile() {
        remote(gcc("-c", "a.c", "-pthread", "-Wl,--as-needed", "-lm", "-L", "lib"));
    }

    @Test
    void precompiledHeaderNextToIncludeIsDetected(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("inc"));
        Files.writeString(dir.resolve("inc/pch.h"), "");
        Files.writeString(dir.resolve("inc/pch.h.gch"), "x");
        Decision d = ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"),
                List.of("-Iinc", "-include", "pch.h", "-c", "a.cc"), dir);
        local(d, LocalReason.PRECOMPILED_HEADER);
        Decision ok = ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"),
                List.of("-Iinc", "-include", "other.h", "-c", "a.cc"), dir);
        remote(ok);
    }

    @ParameterizedTest
    @CsvSource({
            "gcc, GCC", "g++, GCC", "cc, GCC", "c++, GCC", "x86_64-linux-gnu-g++-12, GCC", "/usr/bin/gcc-12, GCC",
            "clang, CLANG", "clang++, CLANG", "clang++-14, CLANG", "x86_64-pc-linux-gnu-clang, CLANG",
            "clang-cl, CLANG"})
    void familyFromToolName(String tool, CompilerFamily family) {
        assertEquals(family, CompilerFamily.detect(tool, Path.of("/nonexistent/bin/" + tool)).orElseThrow());
    }

    @Test
    void familyFromPathWhenToolIsUnknown() {
        assertEquals(CompilerFamily.CLANG, CompilerFamily.detect("vxcc", Path.of("/opt/llvm/bin/clang++")).orElseThrow());
        assertTrue(CompilerFamily.detect("ld", Path.of("/usr/bin/ld")).isEmpty());
    }
}
