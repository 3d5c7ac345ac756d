package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.FileDigestCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct mode's view of the caller's files: permissions, the digest cache, and the race rule. */
class DirectModeFilesTest {
  @TempDir
  Path dir;

  private static int myUid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid");
  }

  @Test
  void aFileTheCallerMayNotReadIsNotDigested() throws Exception {
    Path h = Files.writeString(dir.resolve("secret.h"), "#define S 1\n");
    Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rw-------"));
    int uid = myUid(h);
    FileDigestCache cache = new FileDigestCache();
    InstantSource clock = InstantSource.system();
    if (uid != 0) {
      assertEquals(Digests.hexOfFile(h), DirectMode.digest(cache, clock, new FileAccess(uid, Set.of()), h));
    }
    assertThrows(Refusal.class, () -> DirectMode.digest(cache, clock, new FileAccess(uid + 12345, Set.of()), h));
  }

  @Test
  void digestsOfFilesThatMayStillChangeAreNotCached() throws Exception {
    Path h = Files.writeString(dir.resolve("h.h"), "#define V 1\n");
    FileAccess me = new FileAccess(0, Set.of());
    FileDigestCache cache = new FileDigestCache();
    DirectMode.digest(cache, InstantSource.system(), me, h);
    FileDigestCache.Key key = FileDigestCache.keyOf(h.toRealPath());
    assertTrue(cache.get(key).isEmpty(), "just written: hashed, not cached");
    InstantSource later = InstantSource.fixed(Instant.now().plusSeconds(10));
    assertEquals(Digests.hexOfFile(h), DirectMode.digest(cache, later, me, h));
    assertEquals(Digests.hexOfFile(h), cache.get(key).orElseThrow());
  }

  @Test
  void filesChangedAfterTheCompileStartedAreNotRecorded() throws Exception {
    Path h = Files.writeString(dir.resolve("h.h"), "#define V 1\n");
    long now = System.currentTimeMillis();
    assertFalse(ManifestRecorder.changedSince(h, now + 10_000));
    Files.setLastModifiedTime(h, FileTime.fromMillis(now + 3_600_000));
    assertTrue(ManifestRecorder.changedSince(h, now + 10_000));
    assertTrue(ManifestRecorder.changedSince(dir.resolve("gone.h"), now), "a vanished file");
  }

  @Test
  void optionsThatReadUnlistedFilesTurnDirectModeOff() {
    assertTrue(DirectMode.readsUnlistedFiles(List.of("-c", "a.c", "-imacros", "m.h")));
    assertTrue(DirectMode.readsUnlistedFiles(List.of("-fprofile-use=x.gcda", "-c", "a.c")));
    assertTrue(DirectMode.readsUnlistedFiles(List.of("-specs=x.specs", "-c", "a.c")));
    assertFalse(DirectMode.readsUnlistedFiles(List.of("-O2", "-Iinc", "-include", "pre.h", "-MD", "-c", "a.c")));
  }

  @Test
  void includeDirectoriesOfTheCommandLine() {
    Path cwd = Path.of("/w/b");
    assertEquals(List.of(Path.of("/w/b/inc"), Path.of("/w/x"), Path.of("/q"), Path.of("/w/b/s"), Path.of("/a")),
        DirectMode.includeDirs(List.of("-Iinc", "-I", "../x", "-iquote/q", "-isystem", "s", "-idirafter/a", "-c", "a.c"), cwd));
  }
}
