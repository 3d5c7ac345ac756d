package dev.vxcc.daemon.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Would the calling user be allowed to read this file? The daemon usually runs as root, so it
 * must not answer questions about files on the caller's behalf that the caller could not open:
 * owner/group/other bits of the file (read) and of every directory above it (search), checked
 * against the peer's uid and groups. ACLs are not consulted, which can only refuse more.
 */
final class FileAccess {
  private final int uid;
  private final Set<Integer> gids;
  /** Directory search verdicts: one instance serves one request, whose files share most directories. */
  private final java.util.Map<Path, Boolean> searchable = new java.util.concurrent.ConcurrentHashMap<>();

  FileAccess(int uid, Set<Integer> gids) {
    this.uid = uid;
    this.gids = Set.copyOf(gids);
  }

  /** The caller's groups, primary included. */
  Set<Integer> groups() {
    return gids;
  }

  /** The peer's primary group plus its supplementary groups, as /proc shows them while it lives. */
  static FileAccess of(PeerIdentity peer) {
    Set<Integer> gids = new HashSet<>();
    gids.add(peer.gid());
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(peer.pid()), "status"))) {
        if (line.startsWith("Groups:")) {
          for (String g : line.substring(7).trim().split("\\s+")) {
            if (!g.isEmpty()) {
              gids.add(Integer.parseInt(g));
            }
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Gone or unreadable: the primary group alone can only refuse more.
    }
    return new FileAccess(peer.uid(), gids);
  }

  /** The real path (symbolic links resolved) if the caller may read it; Refusal 403 otherwise. */
  Path readable(Path requested) throws IOException {
    Path real = requested.toRealPath();
    if (uid == 0) {
      return real;
    }
    for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
      Boolean ok = searchable.get(dir);
      if (ok == null) {
        ok = allowed(dir, 1);
        searchable.put(dir, ok);
      }
      if (!ok) {
        throw new Refusal(403, "permission denied: " + requested);
      }
    }
    if (!allowed(real, 4)) {
      throw new Refusal(403, "permission denied: " + requested);
    }
    return real;
  }

  private boolean allowed(Path p, int bit) throws IOException {
    // One lstat for all three (direct mode asks this for every header of every compile).
    java.util.Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    int owner = (Integer) a.get("uid");
    int group = (Integer) a.get("gid");
    // Like the kernel: the first class that matches decides, even when a later one would allow.
    int shift = owner == uid ? 6 : gids.contains(group) ? 3 : 0;
    return ((mode >> shift) & bit) != 0;
  }
}
