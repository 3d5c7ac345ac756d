package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vxcc.testkit.Toolchains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Runs as the daemon would: the test's own uid is the daemon's. */
class TrustedCompilersTest {
  private final int uid = ((Number) attr(Path.of("/proc/self"))).intValue();
  private final TrustedCompilers trusted = new TrustedCompilers(uid);

  private static Object attr(Path p) {
    try {
      return Files.getAttribute(p, "unix:uid");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void systemCompilersAreTrusted() {
    Toolchains.require(Files.isExecutable(Path.of("/usr/bin/gcc")), "/usr/bin/gcc");
    assertTrue(trusted.trusted(Path.of("/usr/bin/gcc")));
  }

  @Test
  void aTreeOfOurOwnBelowStickyTmpIsTrustedButNotAWritableOne() throws Exception {
    // /tmp is root's, mode 1777: only an entry's owner may replace it, so our own 0755 tree stays ours.
    int tmpMode = (Integer) Files.getAttribute(Path.of("/tmp"), "unix:mode");
    // A plain assumption, not Toolchains.require: how /tmp is mounted is the host's (or container
    // runtime's) choice, not something .ci/run installs, and without the sticky bit there is no case to test.
    assumeTrue((tmpMode & 01000) != 0 && (Integer) Files.getAttribute(Path.of("/tmp"), "unix:uid") == 0, "a sticky /tmp");
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "vxcc-trust");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path cc = Files.writeString(dir.resolve("g++"), "#!/bin/sh\n");
      Files.setPosixFilePermissions(cc, PosixFilePermissions.fromString("rwxr-xr-x"));
      assertTrue(trusted.trusted(cc));

      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      assertFalse(trusted.trusted(cc), "a world-writable directory without the sticky bit lets anyone swap the file");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(cc, PosixFilePermissions.fromString("rwxrwxrwx"));
      assertFalse(trusted.trusted(cc), "a world-writable compiler");
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
