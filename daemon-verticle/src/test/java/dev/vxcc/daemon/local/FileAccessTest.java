package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's read/search rules for a caller, as the file_digest check applies them (tests run as root, so files can be given away). */
class FileAccessTest {
  @TempDir
  Path tmp;

  private Path file(Path dir, String perms, int uid, int gid) throws Exception {
    Path f = Files.writeString(dir.resolve("f" + perms), "x");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    Files.setAttribute(f, "unix:uid", uid);
    Files.setAttribute(f, "unix:gid", gid);
    return f;
  }

  private Path openDir() throws Exception {
    Path d = Files.createDirectory(tmp.resolve("d"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    return d;
  }

  @Test
  void ownerGroupAndOtherBitsDecideInTheKernelsOrder() throws Exception {
    Path d = openDir();
    Path groupOnly = file(d, "rw-r-----", 0, 4242);
    assertEquals(groupOnly.toRealPath(), new FileAccess(1000, Set.of(4242)).readable(groupOnly));
    assertEquals(403, assertThrows(Refusal.class, () -> new FileAccess(1000, Set.of(1000)).readable(groupOnly)).status);
    // The owner class decides for the owner, even when "other" could read.
    Path notForOwner = file(d, "---r--r--", 1000, 1000);
    assertThrows(Refusal.class, () -> new FileAccess(1000, Set.of()).readable(notForOwner));
    assertEquals(notForOwner.toRealPath(), new FileAccess(2000, Set.of()).readable(notForOwner));
    assertEquals(notForOwner.toRealPath(), new FileAccess(0, Set.of()).readable(notForOwner));
  }

  @Test
  void aDirectoryTheCallerCannotSearchHidesItsFiles() throws Exception {
    Path d = openDir();
    Path readable = file(d, "rw-r--r--", 0, 0);
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
    assertThrows(Refusal.class, () -> new FileAccess(1000, Set.of()).readable(readable));
  }
}
