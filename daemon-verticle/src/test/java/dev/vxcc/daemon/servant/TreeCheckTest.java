package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.util.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A stranger's source-tree task: paths that could leave the tree and options that run code are refused. */
class TreeCheckTest {
  private static final String D = "a".repeat(64);

  private static TreeTask task(List<String> argv, String cwd, String file, String output) {
    return new TreeTask(argv, cwd, List.of(new TreeTask.File(file, D, false)), List.of(output));
  }

  @Test
  void aPlainCompileIsAccepted() {
    assertNull(TreeCheck.problem(task(List.of("-O2", "-I", "/home/u/p/include", "-c", "/home/u/p/a.c", "-o", "a.o"),
        "/home/u/p/build", "/home/u/p/a.c", "/home/u/p/build/a.o")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"relative/a.c", "/home/u/../../etc/shadow", "/home/u/./a.c", "/home//u/a.c", "/home/u/", "/a.c",
      "/proc/self/environ", "/dev/sda", "/sys/x/y", "/home/u/a\nb.c"})
  void pathsOutsideTheRulesAreRefused(String path) {
    assertNotNull(TreeCheck.problem(task(List.of("-c", "a.c"), "/home/u", path, "/home/u/a.o")));
    assertNotNull(TreeCheck.problem(task(List.of("-c", "a.c"), "/home/u", "/home/u/a.c", path)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-fplugin=/x.so", "-B/tmp/evil", "-specs=x", "-wrapper", "@args", "-Xclang", "-", "-fprofile-use=/x",
      "--config=/x", "-save-temps", "-no-integrated-as"})
  void optionsThatRunOrReadOtherThingsAreRefused(String option) {
    assertNotNull(TreeCheck.argvProblem(List.of("-c", option, "/home/u/a.c")));
  }

  @Test
  void onlyCompilesAreAccepted() {
    assertNotNull(TreeCheck.argvProblem(List.of("/home/u/a.c", "-o", "a")));
    assertNotNull(TreeCheck.argvProblem(List.of("-E", "/home/u/a.c")));
  }

  @Test
  void anOutputThatIsAlsoAnInputIsRefused() {
    assertNotNull(TreeCheck.problem(task(List.of("-c", "a.c"), "/home/u", "/home/u/a.c", "/home/u/a.c")));
  }

  @Test
  void blobStoreKeepsOnlyDataMatchingItsDigestAndForgetsTheLeastRecentlyUsed(@TempDir Path tmp) throws Exception {
    BlobStore store = new BlobStore(tmp.resolve("blobs"), 10);
    byte[] a = "aaaaaa".getBytes(StandardCharsets.UTF_8);
    byte[] b = "bbbbbb".getBytes(StandardCharsets.UTF_8);
    assertFalse(store.put(Digests.hex(b), a));
    assertTrue(store.put(Digests.hex(a), a));
    assertEquals(List.of(Digests.hex(b)), store.missing(List.of(Digests.hex(a), Digests.hex(b))));
    assertTrue(store.put(Digests.hex(b), b));
    // 12 bytes exceed the bound of 10: a, the older, went.
    assertFalse(store.has(Digests.hex(a)));
    Path copy = tmp.resolve("copy");
    assertTrue(store.copyTo(Digests.hex(b), copy));
    assertEquals("bbbbbb", Files.readString(copy));
    assertFalse(store.copyTo(Digests.hex(a), tmp.resolve("none")));
  }
}
