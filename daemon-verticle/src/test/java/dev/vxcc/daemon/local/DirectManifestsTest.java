package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.AbsentGroup;
import dev.vxcc.api.v1.IncludedFile;
import dev.vxcc.api.v1.Manifest;
import dev.vxcc.api.v1.ManifestEntry;
import dev.vxcc.daemon.DaemonConstants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectManifestsTest {
  private static final String D1 = "1".repeat(64);
  private static final String D2 = "2".repeat(64);
  private static final String RESULT = "cxx1-" + "a".repeat(64);

  /** A file system of digests and existing paths. */
  static final class FakeFiles implements DirectManifests.Files {
    final Map<Path, String> digests = new HashMap<>();
    final Set<Path> unreadable = new HashSet<>();

    @Override
    public String digest(Path p) throws IOException {
      if (unreadable.contains(p)) {
        throw new Refusal(403, "permission denied: " + p);
      }
      String d = digests.get(p);
      if (d == null) {
        throw new NoSuchFileException(p.toString());
      }
      return d;
    }

    @Override
    public boolean present(Path p) {
      return digests.containsKey(p) || unreadable.contains(p);
    }
  }

  private static String key(List<String> args, String cwd, String base, String source) {
    return DirectManifests.key("c".repeat(64), args, Path.of(cwd), Map.of("LANG", "C", "VXCC_LOG_LEVEL", "debug"), base, source);
  }

  @Test
  void keysIgnoreTheCheckoutDirectoryButNotArgumentsCompilerOrSource() {
    String one = key(List.of("-I/home/a/proj/include", "-c", "x.c"), "/home/a/proj/build", "/home/a/proj", D1);
    assertEquals(one, key(List.of("-I/home/b/p2/include", "-c", "x.c"), "/home/b/p2/build", "/home/b/p2", D1));
    assertTrue(one.startsWith("manifest2-"));
    assertNotEquals(one, key(List.of("-I/home/a/proj/include", "-c", "x.c", "-DX=2"), "/home/a/proj/build", "/home/a/proj", D1));
    assertNotEquals(one, key(List.of("-I/home/a/proj/include2", "-c", "x.c"), "/home/a/proj/build", "/home/a/proj", D1));
    assertNotEquals(one, key(List.of("-I/home/a/proj/include", "-c", "x.c"), "/home/a/proj/build", "/home/a/proj", D2));
    assertNotEquals(one, key(List.of("-I/home/a/proj/include", "-c", "x.c"), "/home/a/proj/build", "", D1));
    assertNotEquals(one, DirectManifests.key("d".repeat(64), List.of("-I/home/a/proj/include", "-c", "x.c"), Path.of("/home/a/proj/build"),
        Map.of("LANG", "C"), "/home/a/proj", D1));
    // A prefix that is not a whole path component is not the base dir.
    assertEquals("/home/a/project2/x", DirectManifests.normalise("/home/a/project2/x", "/home/a/proj"));
    assertEquals("-I\0BASE\0/a:\0BASE\0", DirectManifests.normalise("-I/p/a:/p", "/p"));
  }

  private static ManifestEntry entry(String hDigest) {
    return ManifestEntry.newBuilder()
        .setResultKey(RESULT)
        .addIncludes(IncludedFile.newBuilder().setPath("include/h.h").setBaseRelative(true).setDigest(hDigest))
        .addIncludes(IncludedFile.newBuilder().setPath("/usr/include/stdio.h").setDigest(D1))
        .addAbsent(IncludedFile.newBuilder().setPath("include/first/h.h").setBaseRelative(true))
        .setDepFile(ByteString.copyFrom("x.o: \0BASE\0/x.c \0BASE\0/include/h.h\n", StandardCharsets.ISO_8859_1))
        .build();
  }

  private static FakeFiles tree(String base) {
    FakeFiles f = new FakeFiles();
    f.digests.put(Path.of(base, "include/h.h"), D1);
    f.digests.put(Path.of("/usr/include/stdio.h"), D1);
    return f;
  }

  @Test
  void anEntryMatchesOnlyWhileItsIncludesAreUnchangedAndNothingShadowsThem() {
    Manifest m = Manifest.newBuilder().addEntries(entry(D1)).build();
    FakeFiles files = tree("/b");
    assertEquals(Optional.of(entry(D1)), DirectManifests.match(m, "/b", files));
    assertArrayEquals("x.o: /b/x.c /b/include/h.h\n".getBytes(StandardCharsets.ISO_8859_1), DirectManifests.depFileFor(entry(D1), "/b"));
    ManifestEntry recordedUnderA = entry(D1).toBuilder().setDepBaseLength(2).build();
    assertTrue(DirectManifests.depFileReplayable(recordedUnderA, "/b"));
    assertFalse(DirectManifests.depFileReplayable(recordedUnderA, "/bb"), "compilers wrap lines by column");

    files.digests.put(Path.of("/b/include/h.h"), D2);
    assertEquals(Optional.empty(), DirectManifests.match(m, "/b", files), "a changed header");

    FakeFiles shadowed = tree("/b");
    shadowed.digests.put(Path.of("/b/include/first/h.h"), D1);
    assertEquals(Optional.empty(), DirectManifests.match(m, "/b", shadowed), "a new header earlier in the path");

    FakeFiles unreadable = tree("/b");
    unreadable.unreadable.add(Path.of("/usr/include/stdio.h"));
    assertEquals(Optional.empty(), DirectManifests.match(m, "/b", unreadable), "a header the caller may not read");

    assertEquals(Optional.empty(), DirectManifests.match(m, "", tree("")), "base-relative entries need a base dir");
  }

  @Test
  void theNewestMatchingEntryWinsAndCheckoutBoundEntriesStayInTheirCheckout() {
    ManifestEntry old = entry(D2);
    ManifestEntry bound = entry(D1).toBuilder().setBaseDir("/a").setResultKey("cxx1-" + "b".repeat(64)).build();
    Manifest m = DirectManifests.extend(Optional.of(Manifest.newBuilder().addEntries(old).addEntries(entry(D1)).build()), bound);
    assertEquals(Optional.of(bound), DirectManifests.match(m, "/a", tree("/a")));
    assertEquals(Optional.of(entry(D1)), DirectManifests.match(m, "/b", tree("/b")));
  }

  @Test
  void manifestsStayBounded() {
    Optional<Manifest> m = Optional.empty();
    for (int i = 0; i < DaemonConstants.MANIFEST_MAX_ENTRIES + 5; i++) {
      m = Optional.of(DirectManifests.extend(m, entry(String.format("%064x", i))));
    }
    assertEquals(DaemonConstants.MANIFEST_MAX_ENTRIES, m.get().getEntriesCount());
    assertEquals(String.format("%064x", DaemonConstants.MANIFEST_MAX_ENTRIES + 4), m.get().getEntries(DaemonConstants.MANIFEST_MAX_ENTRIES - 1)
        .getIncludes(0).getDigest());
    // The same entry recorded twice is kept once.
    assertEquals(1, DirectManifests.extend(Optional.of(Manifest.newBuilder().addEntries(entry(D1)).build()), entry(D1)).getEntriesCount());
  }

  @Test
  void corruptOrHostileManifestsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> DirectManifests.parse(new byte[] {(byte) 0xff, 0x01, 0x02}));
    assertThrows(IllegalArgumentException.class, () -> DirectManifests.parse(new byte[DaemonConstants.MANIFEST_MAX_BYTES + 1]));
    List<ManifestEntry> hostile = List.of(
        entry(D1).toBuilder().setResultKey("http1-" + "a".repeat(64)).build(),
        entry(D1).toBuilder().setResultKey("cxx1-../../etc").build(),
        entry(D1).toBuilder().addIncludes(IncludedFile.newBuilder().setPath("../../etc/passwd").setBaseRelative(true).setDigest(D1)).build(),
        entry(D1).toBuilder().addIncludes(IncludedFile.newBuilder().setPath("relative.h").setDigest(D1)).build(),
        entry(D1).toBuilder().addIncludes(IncludedFile.newBuilder().setPath("/a/../b.h").setDigest(D1)).build(),
        entry(D1).toBuilder().addIncludes(IncludedFile.newBuilder().setPath("/a.h").setDigest("not hex")).build(),
        entry(D1).toBuilder().addAbsent(IncludedFile.newBuilder().setPath("/a.h").setDigest(D1)).build(),
        grouped("/usr/include", "../etc/passwd"),
        grouped("/usr/include", "/etc/passwd"),
        grouped("/usr/include", "a/./b.h"),
        grouped("usr/include", "a.h"),
        grouped("/usr/include", "a.h").toBuilder().addAbsentGroups(AbsentGroup.newBuilder().setDir(1).addNames(0)).build(),
        grouped("/usr/include", "a.h").toBuilder().addAbsentGroups(AbsentGroup.newBuilder().setDir(0).addNames(1)).build(),
        grouped("/usr/include", "a.h").toBuilder().addAbsentGroups(AbsentGroup.newBuilder().setDir(-1).addNames(0)).build(),
        grouped("/usr/include", "a.h").toBuilder().addAbsentGroups(AbsentGroup.newBuilder().setDir(0).addNames(-1)).build());
    for (ManifestEntry e : hostile) {
      byte[] bytes = Manifest.newBuilder().addEntries(e).build().toByteArray();
      assertThrows(IllegalArgumentException.class, () -> DirectManifests.parse(bytes), e.toString());
    }
    Manifest.Builder many = Manifest.newBuilder();
    for (int i = 0; i <= DaemonConstants.MANIFEST_MAX_ENTRIES; i++) {
      many.addEntries(entry(D1));
    }
    assertThrows(IllegalArgumentException.class, () -> DirectManifests.parse(many.build().toByteArray()));
    assertEquals(entry(D1), DirectManifests.parse(Manifest.newBuilder().addEntries(entry(D1)).build().toByteArray()).getEntries(0));
  }

  @Test
  void anEntryMayLeadToASourceTreeResult() {
    ManifestEntry tree = entry(D1).toBuilder().setResultKey("tree1-" + "c".repeat(64)).build();
    assertEquals(tree, DirectManifests.parse(Manifest.newBuilder().addEntries(tree).build().toByteArray()).getEntries(0));
  }

  /**
   * The fast spelling check agrees with the path library's normal form on every tricky spelling,
   * except that a relative path may not climb out with a leading "..", which the normal form keeps.
   */
  @Test
  void normalisedSpellingIsThePathLibrarysNormalForm() {
    List<String> parts = List.of("a", ".", "..", "", "...", ".h", "b.h", "..h");
    List<String> spellings = new java.util.ArrayList<>(List.of("/", "//", "/a/", "a/", "./a", "/./a", "/a/.", "a/..", "/..", ".."));
    for (String x : parts) {
      for (String y : parts) {
        for (String z : parts) {
          spellings.add(x + "/" + y + "/" + z);
          spellings.add("/" + x + "/" + y);
          spellings.add(x + "/" + y);
        }
      }
    }
    for (String s : spellings) {
      if (!s.isEmpty()) {
        boolean climbs = s.equals("..") || s.startsWith("../");
        assertEquals(Path.of(s).normalize().toString().equals(s) && !climbs, DirectManifests.normalised(s), s);
      }
    }
  }

  private static ManifestEntry grouped(String dir, String name) {
    return entry(D1).toBuilder().addAbsentDirs(IncludedFile.newBuilder().setPath(dir)).addAbsentNames(name)
        .addAbsentGroups(AbsentGroup.newBuilder().setDir(0).addNames(0)).build();
  }

  /**
   * Places stored by directory are checked as places stored one path each were: a file at any of
   * them, in the checkout that reads the entry, is a miss; the base dir itself and a directory
   * above it are handled like any other place under or outside it.
   */
  @Test
  void placesGroupedByDirectoryAreCheckedInTheReadersCheckout() {
    AbsentGroups places = new AbsentGroups("/a/proj");
    assertTrue(places.add(Path.of("/a/proj"), new String[] {"h.h"}, 0));
    assertTrue(places.add(Path.of("/a/proj/include/first"), new String[] {"h.h"}, 0));
    assertTrue(places.add(Path.of("/usr/local/include"), new String[] {"sys", "h.h"}, 0));
    assertTrue(places.add(Path.of("/usr/local/include"), new String[] {"h.h"}, 0));
    assertTrue(places.add(Path.of("/usr/include"), new String[] {"sys", "h.h"}, 1));
    assertTrue(places.add(Path.of("/usr/include"), new String[] {"sys", "h.h"}, 1), "twice is once");
    assertFalse(places.add(Path.of("/a"), new String[] {"proj", "h.h"}, 1), "under the base dir: a path of its own");
    assertEquals(5, places.size());
    ManifestEntry.Builder b = entry(D1).toBuilder().clearAbsent();
    places.addTo(b);
    ManifestEntry recorded = DirectManifests.parse(Manifest.newBuilder().addEntries(b).build().toByteArray()).getEntries(0);
    Manifest m = Manifest.newBuilder().addEntries(recorded).build();

    assertEquals(Optional.of(recorded), DirectManifests.match(m, "/b/other", tree("/b/other")));
    for (String shadow : List.of("/b/other/h.h", "/b/other/include/first/h.h", "/usr/local/include/sys", "/usr/local/include/h.h",
        "/usr/include/sys/h.h")) {
      FakeFiles files = tree("/b/other");
      files.digests.put(Path.of(shadow), D2);
      assertEquals(Optional.empty(), DirectManifests.match(m, "/b/other", files), shadow);
    }
    FakeFiles elsewhere = tree("/b/other");
    elsewhere.digests.put(Path.of("/a/proj/h.h"), D2);
    assertEquals(Optional.of(recorded), DirectManifests.match(m, "/b/other", elsewhere), "the recording checkout is not the reader's");
    assertEquals(Optional.empty(), DirectManifests.match(m, "", tree("")), "base-relative directories need a base dir");
  }

  /** Absent paths written from strings read back as those written from paths did. */
  @Test
  void absentPathsFromStringsAreThoseFromPaths() {
    List<String> paths = List.of("/", "/a", "/a/b", "/a/b/c.h", "/a/bc/d.h", "/ab", "/x/a/b/c.h", "/a/b/c/d/e.h");
    List<String> bases = List.of("", "/", "/a", "/a/", "/a/b", "/a/b/", "/a//b", "/a/b/c.h", "a/b", "/a/../a/b", "/z");
    for (String p : paths) {
      for (String baseDir : bases) {
        String base = baseDir.isEmpty() ? "" : Path.of(baseDir).toString();
        assertEquals(DirectManifests.file(Path.of(p), "", baseDir), DirectManifests.absent(p, baseDir, base), p + " under " + baseDir);
      }
    }
  }
}
