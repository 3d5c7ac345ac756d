package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceInputTest {

  @ParameterizedTest
  @ValueSource(strings = {"a.c", "src/a.cc", "../src/a.c", "../../x/y/z.cpp", "/abs/src/a.cc", "/a.c", "dir with space/a.c"})
  void acceptedPaths(String path) {
    assertNull(SourceInput.pathProblem(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "src/../../etc/passwd", "a/../b.c", "./a.c", "src//a.c", "src/", "..", "../..", "/abs/../x.c",
      "/abs/./x.c", "a\nb.c", "a\0b.c", "a\\b.c", "../../../../../../../../../x.c",
      "@/etc/passwd", "@x.c", "-wrapper", "-", "src/@x.c", "../-x.c", "/abs/-o.c", "/abs/@f"})
  void refusedPaths(String path) {
    assertNotNull(SourceInput.pathProblem(path), path);
  }

  @Test
  void refusedLongPath() {
    assertNotNull(SourceInput.pathProblem("a/".repeat(600) + "x.c"));
  }

  @Test
  void clientCwdMustBeAbsoluteAndPrintable() {
    assertNull(SourceInput.cwdProblem("/home/u/proj"));
    assertNull(SourceInput.cwdProblem("/home/u/a=b"));
    assertNotNull(SourceInput.cwdProblem("home/u"));
    assertNotNull(SourceInput.cwdProblem("/home/u\n"));
    assertNotNull(SourceInput.cwdProblem("/home/\0u"));
    assertNotNull(SourceInput.cwdProblem(null));
    assertNotNull(SourceInput.cwdProblem("/home/../etc"));
  }

  @Test
  void onlyTheDefinitionRightAfterABuiltinMarkerIsDropped() {
    String in = """
        # 0 "src/a.c"
        # 0 "<built-in>"
        #define __STDC__ 1
        # 0 "<built-in>"
        #define __GNUC__ 12
        # 0 "<command-line>"
        #define NVAL 3
        # 0 "<command-line>"
        #undef FOO
        # 1 "src/a.c"
        #define LOCAL 1
        int x = LOCAL;
        # 0 "<built-in>"
        int y;""";
    String out = new String(SourceInput.stripBuiltinDefines(in.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    assertEquals("""
        # 0 "src/a.c"
        # 0 "<built-in>"
        # 0 "<built-in>"
        # 0 "<command-line>"
        #define NVAL 3
        # 0 "<command-line>"
        #undef FOO
        # 1 "src/a.c"
        #define LOCAL 1
        int x = LOCAL;
        # 0 "<built-in>"
        int y;""", out);
  }

  @Test
  void relativeSourceIsWrittenBelowTheWorkingDirectory(@TempDir Path tmp) throws Exception {
    SourceInput.Prepared p = SourceInput.prepare(tmp.resolve("w"), Path.of("/usr/bin/gcc"), List.of("-O2", "-g", "-c"),
        "../src/a.c", "/home/u/proj/build", tmp.resolve("out.o"), "int x;\n".getBytes(StandardCharsets.UTF_8));
    Path root = tmp.resolve("w").toAbsolutePath();
    assertEquals(root.resolve("cwd/_"), p.cwd());
    assertEquals(root.resolve("cwd/src/a.c"), p.inputFile());
    assertEquals("int x;\n", Files.readString(p.inputFile()));
    assertEquals(List.of("/usr/bin/gcc", "-O2", "-g", "-c", "-fdebug-prefix-map=" + root.resolve("cwd/_") + "=/home/u/proj/build",
        "../src/a.c", "-o", tmp.resolve("out.o").toString()), p.command());
  }

  @Test
  void absoluteSourceIsMirroredUnderRoot(@TempDir Path tmp) throws Exception {
    SourceInput.Prepared p = SourceInput.prepare(tmp.resolve("w"), Path.of("/usr/bin/g++"), List.of("-c"),
        "/home/u/proj/src/a.cc", "/home/u/proj", tmp.resolve("out.o"), new byte[0]);
    Path root = tmp.resolve("w").toAbsolutePath();
    assertEquals(root.resolve("root/home/u/proj/src/a.cc"), p.inputFile());
    assertTrue(p.command().contains("-fdebug-prefix-map=" + root.resolve("cwd") + "=/home/u/proj"));
    assertTrue(p.command().contains("-fdebug-prefix-map=" + root.resolve("root") + "="));
    assertTrue(p.command().contains(p.inputFile().toString()));
  }

  @Test
  void unvalidatedInputIsRefused(@TempDir Path tmp) {
    assertThrows(IllegalArgumentException.class, () -> SourceInput.prepare(tmp, Path.of("/usr/bin/gcc"), List.of("-c"),
        "a/../../../etc/x.c", "/p", tmp.resolve("o"), new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> SourceInput.prepare(tmp, Path.of("/usr/bin/gcc"), List.of("-c"),
        "a.c", "relative", tmp.resolve("o"), new byte[0]));
  }
}
