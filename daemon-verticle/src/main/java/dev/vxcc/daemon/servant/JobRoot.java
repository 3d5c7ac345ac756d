package dev.vxcc.daemon.servant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One servant's private directory for job directories: an unguessable name, searchable but not
 * listable by others (mode 711), so that one compile cannot find another's files. The owner's pid
 * is kept in a file inside, readable only by the daemon, for cleaning up after a crash.
 */
public final class JobRoot {
  private static final Logger LOG = LoggerFactory.getLogger(JobRoot.class);
  static final String PREFIX = "vxcc-servant-";
  private static final String OWNER = "owner.pid";

  private JobRoot() {}

  /** Blocking. */
  static Path create(Path tempDir) throws IOException {
    byte[] name = new byte[16];
    new SecureRandom().nextBytes(name);
    Path root = Files.createDirectory(Files.createDirectories(tempDir).resolve(PREFIX + HexFormat.of().formatHex(name)),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    Files.writeString(Files.createFile(root.resolve(OWNER), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
    return root;
  }

  /** Blocking: roots whose owner died, and job directories of the naming scheme before this one. */
  static void removeLeftovers(Path tempDir) {
    try (Stream<Path> s = Files.list(tempDir)) {
      s.forEach(p -> {
        String name = p.getFileName().toString();
        long pid = -1;
        if (name.startsWith(PREFIX)) {
          pid = readPid(p.resolve(OWNER));
        } else if (name.startsWith("vxcc-job-")) {
          String[] parts = name.split("-");
          pid = parts.length > 3 ? parseLong(parts[2]) : -1;
        }
        // No owner file yet: another servant may be creating it right now.
        if (pid > 0 && ProcessHandle.of(pid).isEmpty()) {
          deleteQuietly(p);
        }
      });
    } catch (IOException | RuntimeException e) {
      LOG.debug("no leftovers removed: {}", e.toString());
    }
  }

  /** Blocking; never follows links (Files.walk does not), so a planted link deletes only itself. */
  public static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }
  private static long readPid(Path f) {
    try {
      return parseLong(Files.readString(f, StandardCharsets.US_ASCII).trim());
    } catch (IOException e) {
      return -1;
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
