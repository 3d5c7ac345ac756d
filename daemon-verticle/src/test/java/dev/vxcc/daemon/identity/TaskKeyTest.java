package dev.vxcc.daemon.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.Decision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskKeyTest {
  private static final String A = "/tmp/x/a/proj";
  private static final String B = "/tmp/x/b/proj";
  private static final String ID = "0123abcd";

  /** A gcc -fdirectives-only output as the checkout at root would produce it. */
  private static String gccText(String root, String body) {
    return "# 0 \"" + root + "/src/main.cc\"\n"
        + "# 0 \"<built-in>\"\n#define __STDC__ 1\n# 0 \"<command-line>\"\n"
        + "# 1 \"" + root + "/src/main.cc\"\n"
        + "# 1 \"" + root + "/include/util.h\" 1\n"
        + "inline int twice(int x) { return 2 * x; }\n"
        + "# 2 \"" + root + "/src/main.cc\" 2\n"
        + body;
  }

  private static Decision.Remote decision(CompilerFamily family, List<String> remoteArgs, List<String> extraOutputs) {
    return new Decision.Remote(family, "c++", "src/main.cc", Path.of("/tmp/out.o"), ".o", List.of("-E"), List.of(), remoteArgs,
        List.of(), extraOutputs, Decision.InputMode.STDIN, "", "");
  }

  private static TaskKey.Key key(String root, String text, List<String> args, String baseDir) {
    return key(CompilerFamily.GCC, root, text, args, baseDir, List.of());
  }

  private static TaskKey.Key key(CompilerFamily family, String root, String text, List<String> args, String baseDir,
      List<String> extra) {
    List<String> a = new ArrayList<>();
    for (String s : args) {
      a.add(s.replace("@ROOT@", root));
    }
    return TaskKey.of(new TaskKey.Input(ID, null, a, ".o", text.getBytes(StandardCharsets.ISO_8859_1), Path.of(root),
        root + "/src/main.cc", decision(family, a, extra), baseDir));
  }

  private static void assertShared(String body, List<String> args) {
    TaskKey.Key a = key(A, gccText(A, body), args, A);
    TaskKey.Key b = key(B, gccText(B, body), args, B);
    assertTrue(a.baseNormalised(), a.why());
    assertEquals(a.hex(), b.hex());
  }

  private static String assertKeptApart(String body, List<String> args) {
    TaskKey.Key a = key(A, gccText(A, body), args, A);
    TaskKey.Key b = key(B, gccText(B, body), args, B);
    assertFalse(a.baseNormalised());
    assertNotEquals(a.hex(), b.hex());
    return a.why();
  }

  @Test
  void twoCheckoutsShareWhenNoPathCanReachTheObject() {
    assertShared("int main() { return twice(1); }\n", List.of("-O2", "-x", "c++", "-fpreprocessed", "-fdirectives-only"));
  }

  @Test
  void withoutABaseDirNothingIsNormalised() {
    TaskKey.Key a = key(A, gccText(A, "int x;\n"), List.of("-O2"), "");
    TaskKey.Key b = key(B, gccText(B, "int x;\n"), List.of("-O2"), "");
    assertNotEquals(a.hex(), b.hex());
    assertFalse(a.baseNormalised());
    assertEquals("", a.why());
  }

  @Test
  void aNormalisedKeyDiffersFromTheRawKeyOfTheSameTask() {
    String text = gccText(A, "int x;\n");
    assertNotEquals(key(A, text, List.of("-O2"), "").hex(), key(A, text, List.of("-O2"), A).hex());
  }

  @Test
  void aTaskOutsideTheBaseDirKeepsItsRawKey() {
    String text = gccText("/home/u/other", "int x;\n");
    assertEquals(key(A, text, List.of("-O2"), "").hex(), key(A, text, List.of("-O2"), A).hex());
  }

  @Test
  void onlyWholeDirectoriesMatch() {
    // /tmp/x/a/proj2 is not under /tmp/x/a/proj.
    TaskKey.Key a = key(A, gccText(A + "2", "int x;\n"), List.of("-O2"), A);
    TaskKey.Key b = key(B, gccText(B + "2", "int x;\n"), List.of("-O2"), B);
    assertNotEquals(a.hex(), b.hex());
  }

  @Test
  void fileNameMacrosAnywhereKeepCheckoutsApart() {
    assertTrue(assertKeptApart("const char* f() { return __FILE__; }\n", List.of("-O2")).contains("__FILE__"));
    assertKeptApart("#define WHERE __FILE__\n", List.of("-O2"));
    assertKeptApart("const char* f() { return __builtin_FILE(); }\n", List.of("-O2"));
    assertKeptApart("const char* f() { return __FILE_NAME__; }\n", List.of("-O2"));
    assertKeptApart("auto l = __builtin_source_location();\n", List.of("-O2"));
    // Spliced and pasted forms.
    assertKeptApart("const char* f() { return __FI\\\nLE__; }\n", List.of("-O2"));
    assertKeptApart("#define CAT(a, b) a ## b\nconst char* f() { return CAT(__FI, LE__); }\n", List.of("-O2"));
    // clang keeps -D macros on the command line.
    assertKeptApart("int x;\n", List.of("-O2", "-DWHERE=__FILE__"));
  }

  @Test
  void fragmentsThatCannotFormAFileNameMacroAreHarmless() {
    assertShared("typedef struct _IO_FILE FILE;\nFILE* f;\nint FI, LE;\n", List.of("-O2"));
  }

  @Test
  void possiblePastingIsSettledByTheExpansion() {
    String body = "#define CAT(a, b) a ## b\ntypedef int __FILE;\nint __;\n";
    List<String> args = List.of("-O2");
    assertEquals(SourceNameScan.FileNames.PASTE, SourceNameScan.fileNames(gccText(A, body).getBytes(StandardCharsets.ISO_8859_1), args));
    TaskKey.Key noExpander = key(A, gccText(A, body), args, A);
    assertFalse(noExpander.baseNormalised());
    assertTrue(noExpander.why().contains("pasting"), noExpander.why());
    TaskKey.Key a = keyWith(A, gccText(A, body), args, () -> "# 1 \"x\"\ntypedef int __FILE;\nint __;\n".getBytes());
    TaskKey.Key b = keyWith(B, gccText(B, body), args, () -> "typedef int __FILE;\nint __;\n".getBytes());
    assertTrue(a.baseNormalised(), a.why());
    assertEquals(a.hex(), b.hex());
    assertFalse(keyWith(A, gccText(A, body), args, () -> ("const char* f = \"" + A + "/src/main.cc\";").getBytes()).baseNormalised());
    assertFalse(keyWith(A, gccText(A, body), args, () -> "auto f = __builtin_FILE();".getBytes()).baseNormalised());
    assertFalse(keyWith(A, gccText(A, body), args, () -> {
      throw new java.io.IOException("compiler failed");
    }).baseNormalised());
  }

  private static TaskKey.Key keyWith(String root, String text, List<String> args, TaskKey.Expander expander) {
    return TaskKey.of(new TaskKey.Input(ID, null, args, ".o", text.getBytes(StandardCharsets.ISO_8859_1), Path.of(root),
        root + "/src/main.cc", decision(CompilerFamily.GCC, args, List.of()), root, expander));
  }

  @Test
  void pasteDetection() {
    assertTrue(SourceNameScan.pasteable("__FILE__", Set.of("__", "FILE")));
    assertTrue(SourceNameScan.pasteable("__FILE__", Set.of("_", "FILE")));
    assertFalse(SourceNameScan.pasteable("__FILE__", Set.of("FILE", "__F")));
    assertFalse(SourceNameScan.pasteable("__FILE__", Set.of("__FILE__")));
  }

  @Test
  void debugInfoKeepsCheckoutsApartUnlessTheRootIsMappedAway() {
    String body = "int main() { return 0; }\n";
    assertTrue(assertKeptApart(body, List.of("-O2", "-g")).contains("debug"));
    assertKeptApart(body, List.of("-O2", "-gdwarf-4"));
    assertShared(body, List.of("-O2", "-g", "-g0"));
    assertShared(body, List.of("-O2", "-g", "-fdebug-prefix-map=@ROOT@=."));
    assertShared(body, List.of("-O2", "-g", "-ffile-prefix-map=@ROOT@/=."));
    // gcc tries the last map first: a shorter one after ours would write /T/x/a/proj into the object.
    assertKeptApart(body, List.of("-O2", "-g", "-fdebug-prefix-map=@ROOT@=.", "-fdebug-prefix-map=/tmp=/T"));
    // A map of a subdirectory leaves the rest of the checkout in the object.
    assertKeptApart(body, List.of("-O2", "-g", "-fdebug-prefix-map=@ROOT@/src=src"));
    // The macro map does not touch debug info.
    assertKeptApart(body, List.of("-O2", "-g", "-fmacro-prefix-map=@ROOT@=."));
  }

  @Test
  void aMacroPrefixMapMakesFileNamesPathIndependentWithGccOnly() {
    String body = "const char* f() { return __FILE__; }\n";
    assertShared(body, List.of("-O2", "-fmacro-prefix-map=@ROOT@=."));
    assertShared(body, List.of("-O2", "-ffile-prefix-map=@ROOT@=."));
    TaskKey.Key a = key(CompilerFamily.CLANG, A, gccText(A, body), List.of("-O2", "-fmacro-prefix-map=@ROOT@=."), A, List.of());
    TaskKey.Key b = key(CompilerFamily.CLANG, B, gccText(B, body), List.of("-O2", "-fmacro-prefix-map=@ROOT@=."), B, List.of());
    assertNotEquals(a.hex(), b.hex());
  }

  @Test
  void aRootOnTheNewSideOfAMapIsWrittenIntoTheObjectAndStaysApart() {
    assertKeptApart("int x;\n", List.of("-O2", "-g", "-fdebug-prefix-map=/usr/include=@ROOT@/sys"));
  }

  @Test
  void instrumentationAndSideOutputsKeepCheckoutsApart() {
    assertKeptApart("int x;\n", List.of("-O2", "-fsanitize=undefined"));
    assertKeptApart("int x;\n", List.of("-O2", "-fprofile-arcs"));
    TaskKey.Key a = key(CompilerFamily.GCC, A, gccText(A, "int x;\n"), List.of("-O2", "-fstack-usage"), A, List.of(".su"));
    TaskKey.Key b = key(CompilerFamily.GCC, B, gccText(B, "int x;\n"), List.of("-O2", "-fstack-usage"), B, List.of(".su"));
    assertNotEquals(a.hex(), b.hex());
  }

  @Test
  void pathsOutsideDirectivesAreData() {
    // A string literal naming the checkout ends up in the object.
    TaskKey.Key a = key(A, gccText(A, "const char* d = \"" + A + "/data\";\n"), List.of("-O2"), A);
    TaskKey.Key b = key(B, gccText(B, "const char* d = \"" + B + "/data\";\n"), List.of("-O2"), B);
    assertNotEquals(a.hex(), b.hex());
  }

  @Test
  void continuedLinesAndRawStringsAreNotDirectives() {
    for (String[] body : List.of(
        new String[] {"#define S \\\n# 1 \"" + A + "/x\"\n", "#define S \\\n# 1 \"" + B + "/x\"\n"},
        new String[] {"const char* s = R\"(\n# 1 \"" + A + "/x\"\n)\";\n", "const char* s = R\"(\n# 1 \"" + B + "/x\"\n)\";\n"},
        new String[] {"const char* s = u8R\"d(\n)\"\n# 1 \"" + A + "/x\"\n)d\";\n",
            "const char* s = u8R\"d(\n)\"\n# 1 \"" + B + "/x\"\n)d\";\n"})) {
      TaskKey.Key a = key(A, gccText(A, body[0]), List.of("-O2"), A);
      TaskKey.Key b = key(B, gccText(B, body[1]), List.of("-O2"), B);
      assertNotEquals(a.hex(), b.hex(), body[0]);
    }
    // After the raw string closes, directives count again.
    String after = "const char* s = R\"(x)\";\n# 3 \"@R/src/main.cc\"\n";
    assertEquals(key(A, gccText(A, after.replace("@R", A)), List.of("-O2"), A).hex(),
        key(B, gccText(B, after.replace("@R", B)), List.of("-O2"), B).hex());
  }

  @Test
  void clangRewriteIncludesForms() {
    String clangA = clangText(A, false);
    String clangB = clangText(B, false);
    TaskKey.Key a = key(CompilerFamily.CLANG, A, clangA, List.of("-O2", "-x", "c"), A, List.of());
    TaskKey.Key b = key(CompilerFamily.CLANG, B, clangB, List.of("-O2", "-x", "c"), B, List.of());
    assertTrue(a.baseNormalised(), a.why());
    assertEquals(a.hex(), b.hex());
    byte[] norm = LinemarkerRewriter.normaliseText(clangText(A, true).getBytes(StandardCharsets.ISO_8859_1),
        List.of(new KeyRoots.Root(A, KeyRoots.BASE_PLACEHOLDER, false)));
    String n = new String(norm, StandardCharsets.ISO_8859_1);
    assertFalse(n.replace("#include \"" + A + "/live.h\"", "").contains(A + "/"), n);
    // The active include (never produced by clang, but possible in hand-made text) is left as is.
    assertTrue(n.contains("#include \"" + A + "/live.h\""), n);
  }

  private static String clangText(String root, boolean live) {
    return "# 1 \"" + root + "/src/main.c\"\n# 1 \"<built-in>\" 1\n# 1 \"<built-in>\" 3\n# 1 \"<command line>\" 1\n"
        + "# 1 \"<built-in>\" 2\n# 1 \"" + root + "/src/main.c\" 2\n"
        + "#if 0 /* expanded by -frewrite-includes */\n#include \"" + root + "/gen/config.h\"\n"
        + "#endif /* expanded by -frewrite-includes */\n"
        + "# 1 \"" + root + "/gen/config.h\" 1\n#define X 1\n# 2 \"" + root + "/src/main.c\" 2\n"
        + "#line 7 \"" + root + "/src/parser.y\"\nint y = X;\n"
        + (live ? "#if 0\n#include \"" + root + "/live.h\"\n#endif\n" : "");
  }

  @Test
  void workingDirectoryMarkerIsAPath() {
    String a = gccText(A, "# 1 \"" + A + "//\"\nint x;\n");
    String b = gccText(B, "# 1 \"" + B + "//\"\nint x;\n");
    assertEquals(key(A, a, List.of("-O2", "-g", "-fdebug-prefix-map=@ROOT@=."), A).hex(),
        key(B, b, List.of("-O2", "-g", "-fdebug-prefix-map=@ROOT@=."), B).hex());
  }

  @Test
  void compilerPrefixesAreNormalisedOnlyForCompilerOwnedDirectories() {
    String usr = "# 1 \"/usr/include/c++/12/vector\" 1 3\n# 1 \"/usr/include/x86_64-linux-gnu/c++/12/bits/c++config.h\" 1 3\n"
        + "# 1 \"/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h\" 1 3 4\n# 1 \"/usr/include/stdio.h\" 1 3 4\nint x;\n";
    String opt = usr.replace("/usr/include/c++", "/opt/g/include/c++").replace("/usr/include/x86_64-linux-gnu/c++", "/opt/g/include/x86_64-linux-gnu/c++")
        .replace("/usr/lib/gcc", "/opt/g/lib/gcc");
    TaskKey.Key a = compilerKey(usr, Path.of("/usr"), List.of("-O2"));
    TaskKey.Key b = compilerKey(opt, Path.of("/opt/g"), List.of("-O2"));
    assertTrue(a.compilerNormalised());
    assertEquals(a.hex(), b.hex());
    // Under /opt/g, stdio.h would be the compiler's own copy, not the system's.
    TaskKey.Key c = compilerKey(opt.replace("/usr/include/stdio.h", "/opt/g/include/stdio.h"), Path.of("/opt/g"), List.of("-O2"));
    assertNotEquals(a.hex(), c.hex());
    assertNotEquals(compilerKey(usr, Path.of("/usr"), List.of("-O2", "-g")).hex(), compilerKey(opt, Path.of("/opt/g"), List.of("-O2", "-g")).hex());
  }

  private static TaskKey.Key compilerKey(String text, Path prefix, List<String> args) {
    return TaskKey.of(new TaskKey.Input(ID, prefix, args, ".o", text.getBytes(StandardCharsets.ISO_8859_1), Path.of("/w"), "/w/a.cc",
        decision(CompilerFamily.GCC, args, List.of()), ""));
  }

  @Test
  void unusableBaseDirsAreIgnoredWithAReason() {
    for (String bad : List.of("/", "relative/dir", "/tmp/../x", "/tmp/with\"quote")) {
      TaskKey.Key k = key(A, gccText(A, "int x;\n"), List.of("-O2"), bad);
      assertFalse(k.baseNormalised());
      assertTrue(k.why().startsWith("unusable base dir"), k.why());
      assertEquals(key(A, gccText(A, "int x;\n"), List.of("-O2"), "").hex(), k.hex());
    }
    assertEquals(A, KeyRoots.usableRoot(A + "/"));
  }

  @Test
  void unchangedTextIsNotCopied() {
    byte[] text = "int x;\n# 1 \"/elsewhere/a.h\"\n".getBytes(StandardCharsets.ISO_8859_1);
    assertSame(text, LinemarkerRewriter.normaliseText(text, List.of(new KeyRoots.Root(A, KeyRoots.BASE_PLACEHOLDER, false))));
  }

  @Test
  void mapArgumentsAreRewrittenOnTheOldSideOnly() {
    List<String> out = LinemarkerRewriter.normaliseArgs(List.of("-fdebug-prefix-map=" + A + "=" + A + "/x", "-DD=\"" + A + "\"", "-O2"),
        List.of(new KeyRoots.Root(A, KeyRoots.BASE_PLACEHOLDER, false)));
    assertEquals(List.of("-fdebug-prefix-map=" + KeyRoots.BASE_PLACEHOLDER + "=" + A + "/x", "-DD=\"" + A + "\"", "-O2"), out);
  }
}
