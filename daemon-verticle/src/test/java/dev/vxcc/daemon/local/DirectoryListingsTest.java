package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Absent paths from directory listings answer exactly as one lstat per path did. */
class DirectoryListingsTest {
  @TempDir
  Path root;

  /** The recording's answer before listings: one lstat per path component. */
  private static Path byLstat(Path dir, String name) {
    Path p = dir;
    for (Path part : Path.of(name)) {
      p = p.resolve(part);
      if (Files.notExists(p, LinkOption.NOFOLLOW_LINKS)) {
        return p.normalize();
      }
    }
    return null;
  }

  private void tree() throws Exception {
    Files.createDirectories(root.resolve("inc/sys"));
    Files.createDirectories(root.resolve("inc/bits"));
    Files.writeString(root.resolve("inc/a.h"), "");
    Files.writeString(root.resolve("inc/sys/types.h"), "");
    Files.writeString(root.resolve("inc/plain"), "");
    Files.createSymbolicLink(root.resolve("inc/dangling.h"), root.resolve("nowhere.h"));
    Files.createSymbolicLink(root.resolve("inc/linkdir"), root.resolve("inc/sys"));
    Files.createSymbolicLink(root.resolve("inc/linkfile.h"), root.resolve("inc/a.h"));
    Files.createDirectories(root.resolve("other"));
  }

  @Test
  void everyKindOfEntryAnswersAsLstatDid() throws Exception {
    tree();
    List<Path> dirs = List.of(root.resolve("inc"), root.resolve("inc/sys"), root.resolve("other"), root.resolve("missing"),
        root.resolve("inc/plain"), root.resolve("inc/linkdir"), root.resolve("inc/dangling.h"), root,
        // Not normalised: listed as named, reported normalised.
        root.resolve("inc/../other"), root.resolve("inc/linkdir/.."), Path.of("relative/dir"));
    List<String> names = List.of("a.h", "b.h", "sys/types.h", "sys/none.h", "none/x.h", "plain/x.h", "dangling.h", "dangling.h/x",
        "linkdir/types.h", "linkdir/nope.h", "linkfile.h", "linkfile.h/x", "bits", "bits/x.h", "types.h", "inc/a.h", "inc/sys/types.h",
        "../inc/a.h", "./a.h", "sys/../a.h", "../nope/x.h");
    DirectoryListings paths = new DirectoryListings();
    for (Path d : dirs) {
      for (String n : names) {
        assertEquals(byLstat(d, n), paths.firstMissing(d, n), d + " + " + n);
      }
    }
  }

  @Test
  void manyRandomNamesAgreeWithLstat() throws Exception {
    tree();
    Random random = new Random(12);
    String[] parts = {"inc", "sys", "bits", "a.h", "types.h", "plain", "linkdir", "dangling.h", "linkfile.h", "zz", "other"};
    List<Path> dirs = new ArrayList<>(List.of(root, root.resolve("inc"), root.resolve("other"), root.resolve("nope")));
    DirectoryListings paths = new DirectoryListings();
    for (int i = 0; i < 2_000; i++) {
      int depth = 1 + random.nextInt(3);
      StringBuilder name = new StringBuilder();
      for (int k = 0; k < depth; k++) {
        name.append(k == 0 ? "" : "/").append(parts[random.nextInt(parts.length)]);
      }
      Path d = dirs.get(random.nextInt(dirs.size()));
      assertEquals(byLstat(d, name.toString()), paths.firstMissing(d, name.toString()), d + " + " + name);
    }
  }

  @Test
  void aDirectoryTooLargeToListIsAskedPathByPath() throws Exception {
    Path big = Files.createDirectories(root.resolve("big"));
    for (int i = 0; i <= 10; i++) {
      Files.createFile(big.resolve("f" + i));
    }
    DirectoryListings paths = new DirectoryListings(10);
    assertNull(paths.firstMissing(big, "f7"));
    assertEquals(big.resolve("g7"), paths.firstMissing(big, "g7"));
  }
}
