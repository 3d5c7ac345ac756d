package dev.vxcc.daemon.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Which compiler paths the daemon may run itself. To learn a compiler's identity the daemon runs
 * it (probes, macro expansion) with its own privileges, usually root, and any local user can name
 * a compiler on /local/compile: so only a binary no other user can replace qualifies. Every file
 * and directory that resolving the path passes through must belong to root or to the daemon's
 * user and be writable by no group or other, except a sticky directory such as /tmp (so nothing a
 * user created under /tmp, nothing in a user's home).
 * Other compilers still work: they compile locally, run by the wrapper as the user.
 */
final class TrustedCompilers {
  private final Set<Integer> owners;

  TrustedCompilers(int daemonUid) {
    this.owners = Set.copyOf(java.util.List.of(0, daemonUid));
  }

  static TrustedCompilers forThisProcess() {
    try {
      return new TrustedCompilers((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return new TrustedCompilers(0);
    }
  }

  /** Blocking. False when anything on the way may be changed by another user, or cannot be checked. */
  boolean trusted(Path compiler) {
    try {
      Path prefix = compiler.getRoot();
      if (prefix == null || !safeChain(prefix.toRealPath())) {
        return false;
      }
      // Each prefix as named and as resolved: a link can be swapped only in a directory someone may write.
      for (Path name : compiler) {
        prefix = prefix.resolve(name);
        if (!safeChain(prefix.toRealPath())) {
          return false;
        }
      }
      return Files.isRegularFile(compiler);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A root-owned sticky directory such as /tmp may be writable by all: there only an entry's owner
   * can rename or remove it, so the entries below, each checked in its own right, cannot be swapped.
   */
  private static boolean stickyDirectory(Path p, int mode) {
    return (mode & 01000) != 0 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  private boolean safeChain(Path real) throws IOException {
    for (Path p = real; p != null; p = p.getParent()) {
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (!owners.contains(uid) || ((mode & 0022) != 0 && !stickyDirectory(p, mode))) {
        return false;
      }
    }
    return true;
  }
}
