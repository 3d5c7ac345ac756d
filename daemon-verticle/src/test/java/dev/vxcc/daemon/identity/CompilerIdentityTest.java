package dev.vxcc.daemon.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.testkit.Toolchains;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerIdentityTest {
  private final CompilerIdentity ids = new CompilerIdentity(new FileDigestCache());

  private static Path need(String path) {
    Toolchains.require(Toolchain.exists(path), path);
    return Path.of(path);
  }

  @Test
  void gxxAndCxxAreTheSameBinaryAndTheSameCompiler() throws Exception {
    Path gxx = need("/usr/bin/g++");
    Path cxx = need("/usr/bin/c++");
    Toolchains.require(gxx.toRealPath().equals(cxx.toRealPath()), "/usr/bin/c++ resolving to g++ (Debian's default alternative)");
    assertEquals(ids.identity(gxx), ids.identity(cxx));
  }

  @Test
  void aCompilerIsLabelledWithTheNameUsedAndTheVersionItReports() throws Exception {
    Path gxx = need("/usr/bin/g++");
    String hex = ids.identity(gxx);
    assertTrue(ids.labels().get(hex).matches("g\\+\\+ \\d+\\.\\d+\\.\\d+"), ids.labels().toString());
    assertEquals("clang++ 14.0.6", CompilerIdentity.label(Path.of("/usr/bin/clang++"),
        List.of("Debian clang version 14.0.6", "Target: x86_64-pc-linux-gnu")));
    assertEquals("gcc 12.2.0", CompilerIdentity.label(Path.of("/opt/x/bin/gcc"),
        List.of("Configured with: ../src/configure -v", "gcc version 12.2.0 (Debian 12.2.0-14+deb12u1) ")));
    assertEquals("mycc", CompilerIdentity.label(Path.of("/bin/mycc"), List.of("no version line")));
  }

  @Test
  void gccAndGxxDiffer() throws Exception {
    assertNotEquals(ids.identity(need("/usr/bin/gcc")), ids.identity(need("/usr/bin/g++")));
  }

  @Test
  void gccIdentityCoversTheCompilersProperAndTheAssembler() throws Exception {
    CompilerIdentity.Identity id = ids.of(need("/usr/bin/g++"));
    List<String> names = id.files().stream().map(p -> p.getFileName().toString()).toList();
    assertTrue(names.contains("cc1plus"), names.toString());
    assertTrue(names.contains("cc1"), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.endsWith("as")), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.startsWith("libisl")), names.toString());
    assertEquals(Path.of("/usr"), id.prefix());
  }

  @Test
  void clangIdentityCoversLlvmLibraries() throws Exception {
    CompilerIdentity.Identity id = ids.of(need("/usr/bin/clang"));
    List<String> names = id.files().stream().map(p -> p.getFileName().toString()).toList();
    assertTrue(names.stream().anyMatch(n -> n.startsWith("libLLVM")), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.startsWith("libclang-cpp")), names.toString());
  }

  /**
   * clang and clang++ are one binary in two driver modes. For a compile with an explicit -x
   * (every remote recipe has one) the mode changes nothing: the probe shows identical -cc1 lines
   * and the objects are byte-identical, so the identities may be, and are, equal.
   */
  @Test
  void clangAndClangxxAreOneCompilerForExplicitLanguageCompiles(@TempDir Path dir) throws Exception {
    Path clang = need("/usr/bin/clang");
    Path clangxx = need("/usr/bin/clang++");
    Toolchains.require(clang.toRealPath().equals(clangxx.toRealPath()), "clang and clang++ as one binary (Debian's layout)");
    assertEquals(ids.identity(clang), ids.identity(clangxx));

    Toolchain.write(dir, "src/t.cc", """
        #include <string>
        #include <vector>
        std::string join(const std::vector<std::string>& v) { std::string r; for (auto& s : v) r += s; return r; }
        """, "src/t.c", """
        #include <stdio.h>
        int f(int x) { printf("%d\\n", x); return x * 3; }
        """);
    // Both directions: a servant may have found the binary under either name.
    assertSameObject(clangxx, clang, List.of("-O2", "-std=c++17", "-c", dir.resolve("src/t.cc").toString()), dir, "cc");
    assertSameObject(clang, clangxx, List.of("-O2", "-std=c11", "-c", dir.resolve("src/t.c").toString()), dir, "c");
  }

  private static void assertSameObject(Path submitter, Path servant, List<String> args, Path dir, String tag) throws Exception {
    Toolchain.Remote r = Toolchain.remote(submitter, args, dir, dir.resolve("s-" + tag));
    List<String> cmd = new java.util.ArrayList<>(List.of(servant.toString()));
    cmd.addAll(r.decision().remoteArgs());
    Path out = dir.resolve("s-" + tag + "/other.o");
    cmd.addAll(List.of("-", "-o", out.toString()));
    Toolchain.run(dir.resolve("s-" + tag), r.preprocessed(), cmd).orFail("servant as " + servant);
    assertArrayEquals(r.object(), Files.readAllBytes(out), submitter + " vs " + servant);
  }

  /** The name, not the binary, selects clang's default target and driver mode: both show in the probe. */
  @Test
  void clangNamesThatChangeTargetOrModeChangeTheIdentity(@TempDir Path dir) throws Exception {
    Path clang = need("/usr/bin/clang");
    Path cross = Files.createSymbolicLink(dir.resolve("aarch64-linux-gnu-clang"), clang.toRealPath());
    Path cpp = Files.createSymbolicLink(dir.resolve("clang-cpp"), clang.toRealPath());
    String plain = ids.identity(clang);
    assertNotEquals(plain, ids.identity(cross));
    assertNotEquals(plain, ids.identity(cpp));
  }

  @Test
  void aWrapperScriptIsNotTheCompilerItRuns(@TempDir Path dir) throws Exception {
    Path gxx = need("/usr/bin/g++");
    Path wrapper = script(dir.resolve("g++"), "#!/bin/sh\nexec /usr/bin/g++ \"$@\"\n");
    assertNotEquals(ids.identity(gxx), ids.identity(wrapper));
  }

  @Test
  void aRelocatedGccIsTheSameCompiler(@TempDir Path dir) throws Exception {
    Path system = need("/usr/bin/x86_64-linux-gnu-g++-12");
    Path copy = Toolchain.copiedGcc(dir.resolve("opt/gcc"));
    Toolchains.require(copy != null, "Debian's gcc 12 layout to copy");
    CompilerIdentity.Identity a = ids.of(system);
    CompilerIdentity.Identity b = ids.of(copy);
    assertEquals(a.hex(), b.hex());
    assertEquals(dir.resolve("opt/gcc"), b.prefix());
  }

  @Test
  void probesOncePerInstallationAndAgainWhenAFileChanges(@TempDir Path dir) throws Exception {
    need("/usr/bin/g++");
    Path wrapper = script(dir.resolve("g++"), "#!/bin/sh\nexec /usr/bin/g++ \"$@\"\n");
    String first = ids.identity(wrapper);
    assertEquals(first, ids.identity(wrapper));
    assertEquals(1, ids.probes());
    Files.setLastModifiedTime(wrapper, FileTime.fromMillis(Files.getLastModifiedTime(wrapper).toMillis() - 60_000));
    assertEquals(first, ids.identity(wrapper), "same bytes, same identity");
    assertEquals(2, ids.probes(), "a changed mtime is re-examined");
    Files.writeString(wrapper, "#!/bin/sh\n# changed\nexec /usr/bin/g++ \"$@\"\n");
    assertNotEquals(first, ids.identity(wrapper));
    assertEquals(3, ids.probes());
  }

  @Test
  void somethingThatIsNoCompilerHasNoIdentity(@TempDir Path dir) throws Exception {
    Path fake = script(dir.resolve("gcc"), "#!/bin/sh\necho hello\n");
    assertThrows(IOException.class, () -> ids.identity(fake));
    Path failing = script(dir.resolve("cc"), "#!/bin/sh\nexit 3\n");
    assertThrows(IOException.class, () -> ids.identity(failing));
  }

  @Test
  void splitsGccAndClangCommandLines() {
    assertEquals(List.of("/usr/lib/gcc/cc1", "-quiet", "-mtune=generic", "a b"),
        CompilerIdentity.splitCommand(" /usr/lib/gcc/cc1 -quiet \"-mtune=generic\" \"a b\""));
    assertEquals(List.of("/usr/bin/clang", "-cc1", "x\"y"), CompilerIdentity.splitCommand(" \"/usr/bin/clang\" \"-cc1\" \"x\\\"y\""));
  }

  private static Path script(Path p, String text) throws IOException {
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
