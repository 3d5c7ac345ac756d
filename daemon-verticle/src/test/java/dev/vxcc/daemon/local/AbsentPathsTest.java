package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadowing places stay checked although a missing name is remembered per directory: whatever
 * could put a header there is noticed by the next lookup.
 */
class AbsentPathsTest {
  @TempDir
  Path tmp;

  /** A clock far enough ahead that every directory made by the test counts as settled. */
  private static final InstantSource LATER = InstantSource.fixed(Instant.now().plusSeconds(60));

  @Test
  void aHeaderAddedToARememberedDirectoryIsNoticed() throws Exception {
    Path inc = Files.createDirectories(tmp.resolve("inc"));
    AbsentPaths absent = new AbsentPaths(LATER);
    assertFalse(absent.view().present(inc.resolve("h.h")));
    assertEquals(1, absent.rememberedNames(), "a settled directory's missing name is remembered");
    assertFalse(absent.view().present(inc.resolve("h.h")));

    FileTime before = Files.getLastModifiedTime(inc);
    Files.writeString(inc.resolve("h.h"), "#define V 2\n");
    // Even with the directory's mtime put back, its ctime moved.
    Files.setLastModifiedTime(inc, before);
    assertTrue(absent.view().present(inc.resolve("h.h")));
  }

  @Test
  void aDirectoryReplacedByAnotherIsLookedAtAfresh() throws Exception {
    Path inc = Files.createDirectories(tmp.resolve("inc"));
    AbsentPaths absent = new AbsentPaths(LATER);
    assertFalse(absent.view().present(inc.resolve("h.h")));
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("h.h"), "\n");
    Files.setLastModifiedTime(other, Files.getLastModifiedTime(inc));
    Files.move(inc, tmp.resolve("old"));
    Files.move(other, inc);
    assertTrue(absent.view().present(inc.resolve("h.h")));
  }

  @Test
  void aMissingDirectoryAndWhatAppearsInItLater() throws Exception {
    AbsentPaths absent = new AbsentPaths(LATER);
    Path sub = tmp.resolve("inc/sys");
    assertFalse(absent.view().present(sub.resolve("h.h")));
    assertFalse(absent.view().present(sub));
    Files.createDirectories(sub);
    Files.writeString(sub.resolve("h.h"), "\n");
    assertTrue(absent.view().present(sub));
    assertTrue(absent.view().present(sub.resolve("h.h")));
  }

  @Test
  void aDanglingLinkIsNothingUntilItsTargetAppears() throws Exception {
    Path inc = Files.createDirectories(tmp.resolve("inc"));
    Files.createSymbolicLink(inc.resolve("h.h"), tmp.resolve("target.h"));
    AbsentPaths absent = new AbsentPaths(LATER);
    assertFalse(absent.view().present(inc.resolve("h.h")));
    assertEquals(0, absent.rememberedNames(), "a name with an entry is never remembered as missing");
    Files.writeString(tmp.resolve("target.h"), "\n");
    assertTrue(absent.view().present(inc.resolve("h.h")));
  }

  @Test
  void directoriesChangedJustNowAreNotTrusted() throws Exception {
    Path inc = Files.createDirectories(tmp.resolve("inc"));
    AbsentPaths absent = new AbsentPaths(InstantSource.system());
    assertFalse(absent.view().present(inc.resolve("h.h")));
    assertEquals(0, absent.rememberedNames(), "a name added within the same clock tick would not move its times");
  }

  @Test
  void aDirectoryReachedThroughALinkFollowsTheLink() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    Files.writeString(b.resolve("h.h"), "\n");
    Path link = Files.createSymbolicLink(tmp.resolve("inc"), a);
    AbsentPaths absent = new AbsentPaths(LATER);
    assertFalse(absent.view().present(link.resolve("h.h")));
    Files.delete(link);
    Files.createSymbolicLink(link, b);
    assertTrue(absent.view().present(link.resolve("h.h")));
  }

  /** Asked by directory and name, as grouped places are, the answers are those asked by path. */
  @Test
  void askedByDirectoryAndNameAsByPath() throws Exception {
    Path inc = Files.createDirectories(tmp.resolve("inc"));
    AbsentPaths absent = new AbsentPaths(LATER);
    assertFalse(absent.view().present(inc.toString(), "sys/h.h"));
    assertFalse(absent.view().present(inc.toString(), "h.h"));
    Files.createDirectories(inc.resolve("sys"));
    assertTrue(absent.view().present(inc.toString(), "sys"));
    assertFalse(absent.view().present(inc.toString(), "sys/h.h"));
    Files.writeString(inc.resolve("sys/h.h"), "\n");
    Files.writeString(inc.resolve("h.h"), "\n");
    assertTrue(absent.view().present(inc.toString(), "sys/h.h"));
    assertTrue(absent.view().present(inc.toString(), "h.h"));
    assertTrue(absent.view().present("/", tmp.getName(0).toString()));
  }
}
