package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxcc.testkit.Toolchains;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceDirectivesTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "#include \"/etc/passwd\"\n",
      "int x;\n  #  include </etc/passwd>\n",
      "%:include \"/etc/passwd\"\n",
      "??=include \"/etc/passwd\"\n",
      "#/**/include \"/etc/passwd\"\n",
      "/*\n*/ #include \"/etc/passwd\"\n",
      "#\\\ninclude \"/etc/passwd\"\n",
      "# \\  \ninclude \"/etc/passwd\"\n",
      "#include_next <x.h>\n",
      "#import \"/etc/passwd\"\n",
      "#embed \"/etc/passwd\"\n",
      "#if __has_include(\"/etc/shadow\")\nint yes;\n#endif\n",
      "#ifdef X\n#endif\n",
      "#pragma GCC dependency \"/etc/passwd\"\n",
      "#pragma GCC pch_preprocess \"x.gch\"\n",
      "_Pragma(\"GCC pch_preprocess \\\"x.gch\\\"\")\n",
      // A raw string that a raw-string-blind reading would end early, opening a comment.
      "const char *s = R\"x( \" /* )x\";\n#include \"/etc/passwd\"\n// */\n",
      // With trigraphs ??/\" escapes the quote: the comment gcc sees never opens.
      "const char *s = \"??/\" /*\";\n#include \"/etc/passwd\"\n// */\n",
  })
  void directivesThatOpenFilesAreRefused(String source) {
    assertNotNull(SourceDirectives.problem(b(source)), source);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "int x;\n",
      "# 1 \"a.c\"\n# 0 \"<built-in>\"\n#define __STDC__ 1\n# 1 \"a.c\" 2\n",
      "#define S(x) #x\n#define CAT(a, b) a ## b\n#undef S\n#pragma once\n#pragma GCC diagnostic ignored \"-Wall\"\n",
      "const char *s = \"#include <x.h>\";\n",
      "// #include \"/etc/passwd\"\nint x;\n",
      "/*\n#include \"/etc/passwd\"\n#if 1\n*/\nint x;\n",
      "#define X 1 /* #include */\n",
      "#define LONG_MACRO(a) \\\n  do { a; } \\\n  while (0)\n",
      "char c = '#';\n#\n",
      "#line 10 \"x.c\"\n#ident \"v1\"\n",
  })
  void directivesOnlyOutputIsAccepted(String source) {
    assertNull(SourceDirectives.problem(b(source)), source);
  }

  /** What delegates really send: gcc's directives-only output of large headers. */
  @ParameterizedTest
  @ValueSource(strings = {"c:stdio.h,stdlib.h,string.h,math.h,pthread.h,signal.h",
      "c++:vector,map,string,iostream,memory,functional,regex,thread,algorithm,unordered_map,chrono,sstream"})
  void realDirectivesOnlyOutputIsAccepted(String spec) throws Exception {
    Toolchains.require(Files.isExecutable(Path.of("/usr/bin/gcc")), "/usr/bin/gcc");
    String lang = spec.substring(0, spec.indexOf(':'));
    StringBuilder src = new StringBuilder();
    for (String h : spec.substring(spec.indexOf(':') + 1).split(",")) {
      src.append("#include <").append(h).append(">\n");
    }
    src.append("#if defined(__GNUC__)\nint ok;\n#endif\n");
    Process p = new ProcessBuilder(List.of("/usr/bin/gcc", "-x", lang, "-E", "-fdirectives-only", "-")).redirectErrorStream(false).start();
    p.getOutputStream().write(b(src.toString()));
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue());
    assertNull(SourceDirectives.problem(out));
    assertNull(SourceDirectives.problem(SourceInput.stripBuiltinDefines(out)));
  }
}
