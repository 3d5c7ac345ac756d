package dev.vxcc.daemon.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxcc.common.util.FileDigestCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Something that is not a compiler is probed once per version of the file, not once per compile. */
class FailedProbeTest {
  @Test
  void aFailedProbeIsRememberedUntilTheFileChanges(@TempDir Path dir) throws Exception {
    Path fake = dir.resolve("g++");
    Files.writeString(fake, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    CompilerIdentity ids = new CompilerIdentity(new FileDigestCache());

    assertThrows(IOException.class, () -> ids.identity(fake));
    assertThrows(IOException.class, () -> ids.identity(fake));
    assertEquals(1, ids.probes(), "the failure was cached");

    Files.setLastModifiedTime(fake, FileTime.fromMillis(Files.getLastModifiedTime(fake).toMillis() + 5_000));
    assertThrows(IOException.class, () -> ids.identity(fake));
    assertEquals(2, ids.probes(), "a changed file is probed again");
  }
}
