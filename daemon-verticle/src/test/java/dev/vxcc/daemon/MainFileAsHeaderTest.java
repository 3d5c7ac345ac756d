package dev.vxcc.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.servant.SourceInput;
import dev.vxcc.testkit.Toolchains;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gcc -g with an absolute source path and anonymous-namespace types in the main file (issue 11):
 * the file-as-source recipe warns where a local compile does not, and is recognised.
 */
class MainFileAsHeaderTest {
  private static final Path GXX = Path.of("/usr/bin/g++");
  private static final String WARNING = "/src/a.cc:5:8: warning: 'Holder' has a field 'Holder::local' whose type uses the"
      + " anonymous namespace [-Wsubobject-linkage]\n";

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void onlyAWarningLocatedInTheMainFileCounts() {
    assertTrue(MainFileAsHeader.seen(b(WARNING), "/src/a.cc"));
    assertTrue(MainFileAsHeader.seen(b("x.c:1:1: warning: other [-Wother]\n" + WARNING.replace("warning", "error")
        .replace("[-Wsubobject-linkage]", "[-Werror=subobject-linkage]")), "/src/a.cc"));
    assertFalse(MainFileAsHeader.seen(b(WARNING), "/src/b.cc"), "in a header: genuine");
    assertFalse(MainFileAsHeader.seen(b(WARNING), "a.cc"), "another spelling is another file");
    assertFalse(MainFileAsHeader.seen(new byte[0], "/src/a.cc"));
  }

  @Test
  void theFileAsSourceRecipeTakesTheMainFileForAHeaderAndIsRecognised(@TempDir Path tmp) throws Exception {
    Toolchains.require(Files.isExecutable(GXX), "g++");
    Path src = Files.createDirectories(tmp.resolve("proj/src"));
    Files.writeString(src.resolve("shape.h"), "namespace { struct Hidden { int n; }; }\nstruct FromHeader { Hidden h; };\n");
    Files.writeString(src.resolve("a.cc"), """
        #include <string>
        namespace {
        struct Local { std::string name; };
        }
        struct Holder { Local local; };
        int f() { Holder h{{"x"}}; return static_cast<int>(h.local.name.size()); }
        """);
    Files.writeString(src.resolve("b.cc"), "#include \"shape.h\"\nint g() { FromHeader f{{1}}; return f.h.n; }\n");
    List<String> flags = List.of("-g", "-O2", "-c");

    String a = src.resolve("a.cc").toString();
    Result local = run(tmp, concat(List.of(GXX.toString()), flags, List.of(a, "-o", tmp.resolve("a.o").toString())));
    assertEquals("", local.stderr(), "a local compile is quiet");
    Result remote = recipe(tmp, "a", flags, a);
    assertTrue(MainFileAsHeader.seen(b(remote.stderr()), a), remote.stderr());

    // A header's anonymous type: the local compile warns as well, and nothing is recognised.
    String bSrc = src.resolve("b.cc").toString();
    Result localB = run(tmp, concat(List.of(GXX.toString()), flags, List.of(bSrc, "-o", tmp.resolve("b.o").toString())));
    assertTrue(localB.stderr().contains("-Wsubobject-linkage"), localB.stderr());
    Result remoteB = recipe(tmp, "b", flags, bSrc);
    assertFalse(MainFileAsHeader.seen(b(remoteB.stderr()), bSrc), remoteB.stderr());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("b.o")), Files.readAllBytes(tmp.resolve("remote-b.o")));
  }

  /** What the servant runs for gcc -g (see SourceInput), its paths turned back into the client's. */
  private static Result recipe(Path tmp, String name, List<String> flags, String source) throws Exception {
    Result pre = run(tmp, List.of(GXX.toString(), "-E", "-fdirectives-only", source));
    Path work = tmp.resolve("w-" + name);
    SourceInput.Prepared p = SourceInput.prepare(work, GXX, flags, source, tmp.toString(), tmp.resolve("remote-" + name + ".o"),
        pre.stdout().getBytes(StandardCharsets.UTF_8));
    Result r = run(p.cwd(), p.command());
    return new Result(r.exit(), r.stdout(), r.stderr().replace(work.toAbsolutePath() + "/root", ""));
  }

  record Result(int exit, String stdout, String stderr) {}

  private static Result run(Path cwd, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().put("LC_ALL", "C");
    Path out = Files.createTempFile(cwd, "out", ".txt");
    Path err = Files.createTempFile(cwd, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    int exit = pb.start().waitFor();
    Result r = new Result(exit, Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    assertEquals(0, exit, cmd + ": " + r.stderr());
    return r;
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }
}
