package dev.vxcc.daemon.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.testkit.Toolchains;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same tree in two checkouts, built with real gcc and clang through the remote recipe: equal
 * task keys must come with byte-identical objects (local and remote), and wherever the objects
 * differ the keys must too.
 */
class PathIndependenceTest {
  private static final CompilerIdentity IDS = new CompilerIdentity(new FileDigestCache());

  @TempDir
  Path tmp;
  private Path a;
  private Path b;

  @BeforeEach
  void checkouts() throws Exception {
    a = tmp.resolve("a/proj");
    b = tmp.resolve("b/proj");
    for (Path root : List.of(a, b)) {
      Toolchain.write(root,
          "include/util.h", """
              #pragma once
              #include <string>
              #include <vector>
              inline int twice(int x) { return 2 * x; }
              std::string name();
              """,
          "src/main.cc", """
              #include "util.h"
              #include <cstdio>
              static std::vector<int> v{1, 2, 3};
              std::string name() { return "n" + std::to_string(twice(static_cast<int>(v.size()))); }
              int main() { std::printf("%s\\n", name().c_str()); return 0; }
              """,
          "src/file.cc", """
              #include "util.h"
              const char* where() { return __FILE__; }
              """,
          "include/util_c.h", """
              #include <stdio.h>
              static inline int twice(int x) { return 2 * x; }
              """,
          "src/main.c", """
              #include "util_c.h"
              int main(void) { printf("%d\\n", twice(21)); return 0; }
              """);
    }
  }

  private record Build(TaskKey.Key key, byte[] remoteObject, byte[] localObject) {}

  /** Classify, preprocess, key and compile remotely like the delegate and a servant; also compile locally. */
  private Build build(Path compiler, Path root, String source, String... flags) throws Exception {
    List<String> args = new ArrayList<>();
    for (String f : flags) {
      args.add(f.replace("@ROOT@", root.toString()));
    }
    args.addAll(List.of("-I" + root.resolve("include"), "-c", root.resolve(source).toString(), "-o", root.resolve("out.o").toString()));
    Toolchain.Remote r = Toolchain.remote(compiler, args, root, root.resolve("../servant"));
    CompilerIdentity.Identity id = IDS.of(compiler);
    TaskKey.Key key = TaskKey.of(new TaskKey.Input(id.hex(), id.prefix(), r.decision().remoteArgs(), r.decision().outputSuffix(),
        r.preprocessed(), root, root.resolve(source).toString(), r.decision(), root.toString(),
        () -> Expansion.run(compiler, r.decision().remoteArgs(), r.preprocessed())));
    byte[] local = Toolchain.local(compiler, args, root, root.resolve("out.o"));
    assertArrayEquals(local, r.object(), "the remote recipe must reproduce the local object");
    return new Build(key, r.object(), local);
  }

  private static Path need(String path) {
    Toolchains.require(Toolchain.exists(path), path);
    return Path.of(path);
  }

  private void assertSharedAndIdentical(Path compiler, String source, String... flags) throws Exception {
    Build x = build(compiler, a, source, flags);
    Build y = build(compiler, b, source, flags);
    assertTrue(x.key().baseNormalised(), x.key().why());
    assertEquals(x.key().hex(), y.key().hex());
    assertArrayEquals(x.localObject(), y.localObject(), "equal keys, so the objects must be identical");
  }

  private void assertApartAndDifferent(Path compiler, String source, String... flags) throws Exception {
    Build x = build(compiler, a, source, flags);
    Build y = build(compiler, b, source, flags);
    assertFalse(x.key().baseNormalised());
    assertNotEquals(x.key().hex(), y.key().hex());
    assertFalse(Arrays.equals(x.localObject(), y.localObject()), "the objects do embed the checkout path");
  }

  @Test
  void gccAtO2WithoutFileNamesSharesIdenticalObjects() throws Exception {
    assertSharedAndIdentical(need("/usr/bin/g++"), "src/main.cc", "-O2");
    assertSharedAndIdentical(need("/usr/bin/gcc"), "src/main.c", "-O2");
  }

  @Test
  void gccWithFileKeepsCheckoutsApart() throws Exception {
    assertApartAndDifferent(need("/usr/bin/g++"), "src/file.cc", "-O2");
  }

  @Test
  void gccWithDebugInfoKeepsCheckoutsApart() throws Exception {
    assertApartAndDifferent(need("/usr/bin/g++"), "src/main.cc", "-O2", "-g", "-gno-record-gcc-switches");
  }

  @Test
  void gccPrefixMapsMakeDebugInfoAndFileNamesShareable() throws Exception {
    Path gxx = need("/usr/bin/g++");
    assertSharedAndIdentical(gxx, "src/main.cc", "-O2", "-g", "-gno-record-gcc-switches", "-fdebug-prefix-map=@ROOT@=.");
    assertSharedAndIdentical(gxx, "src/file.cc", "-O2", "-fmacro-prefix-map=@ROOT@=.");
    assertSharedAndIdentical(gxx, "src/file.cc", "-O2", "-g", "-gno-record-gcc-switches", "-ffile-prefix-map=@ROOT@=.");
    // A later, shorter map wins in gcc: the object names the checkout again.
    assertApartAndDifferent(gxx, "src/main.cc", "-O2", "-g", "-gno-record-gcc-switches", "-fdebug-prefix-map=@ROOT@=.", "-fdebug-prefix-map=" + tmp + "=/T");
  }

  @Test
  void clangCSharesIdenticalObjects() throws Exception {
    assertSharedAndIdentical(need("/usr/bin/clang"), "src/main.c", "-O2");
  }

  /**
   * libstdc++'s c++config.h defines __glibcxx_assert_impl with __FILE__ inside an #if that
   * rewrite-includes keeps unevaluated, so clang C++ with the standard library is conservatively
   * never normalised; the objects would have been equal, the keys just do not claim it.
   */
  @Test
  void clangCxxWithLibstdcxxStaysRaw() throws Exception {
    Path clangxx = need("/usr/bin/clang++");
    Build x = build(clangxx, a, "src/main.cc", "-O2");
    Build y = build(clangxx, b, "src/main.cc", "-O2");
    assertFalse(x.key().baseNormalised());
    assertTrue(x.key().why().contains("__FILE__"), x.key().why());
    assertNotEquals(x.key().hex(), y.key().hex());
  }

  @Test
  void clangWithDebugInfoKeepsCheckoutsApart() throws Exception {
    assertApartAndDifferent(need("/usr/bin/clang"), "src/main.c", "-O2", "-g", "-gno-record-gcc-switches", "-gdwarf-4");
  }

  @Test
  void aSecondGccPrefixSharesIdenticalObjects() throws Exception {
    Path system = need("/usr/bin/x86_64-linux-gnu-g++-12");
    Path copy = Toolchain.copiedGcc(tmp.resolve("opt/gcc"));
    Toolchains.require(copy != null, "Debian's gcc 12 layout to copy");
    Build x = build(system, a, "src/main.cc", "-O2");
    Build y = build(copy, a, "src/main.cc", "-O2");
    assertTrue(x.key().compilerNormalised(), x.key().why());
    assertEquals(x.key().hex(), y.key().hex());
    assertArrayEquals(x.localObject(), y.localObject());
    // Both at once: other checkout, other prefix.
    Build z = build(copy, b, "src/main.cc", "-O2");
    assertEquals(x.key().hex(), z.key().hex());
    assertArrayEquals(x.localObject(), z.localObject());
    // With -g the prefix is in the object and the keys stay apart.
    Build xg = build(system, a, "src/main.cc", "-O2", "-g", "-gno-record-gcc-switches", "-fdebug-prefix-map=@ROOT@=.");
    Build yg = build(copy, a, "src/main.cc", "-O2", "-g", "-gno-record-gcc-switches", "-fdebug-prefix-map=@ROOT@=.");
    assertNotEquals(xg.key().hex(), yg.key().hex());
    assertFalse(Arrays.equals(xg.localObject(), yg.localObject()));
  }
}
