package dev.vxcc.daemon.local;

import dev.vxcc.daemon.DaemonConstants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct mode's check that the places where a new header could shadow an old one are still empty,
 * without a system call per place: a manifest of a C++ file names thousands of them in a few dozen
 * directories, and stat-ing each on every hit cost more than the rest of the hit. A name can only
 * appear in a directory by changing it, so a name once seen missing stays missing while the
 * directory (followed through links, as the compiler follows them) keeps its device, inode, mtime
 * and ctime. Only directories last changed longer ago than the file-time granularity margin are
 * trusted: a name added within the same clock tick as the change before it would not move the
 * times. Thread-safe; each lookup takes a {@link View}, which stats each directory once.
 */
final class AbsentPaths {
  private record Snapshot(Object fileKey, long mtimeNanos, long ctimeNanos) {}

  /** Names seen missing while the directory looked like {@code snapshot}. */
  private record Dir(Snapshot snapshot, Set<String> missing) {}

  /** By the directory's path string: lookups ask by strings and make no path object per place. */
  private final ConcurrentHashMap<String, Dir> dirs = new ConcurrentHashMap<>();
  /** Names remembered in all directories (a little more after a race with a clear: only forgets sooner). */
  private final AtomicInteger names = new AtomicInteger();
  private final InstantSource clock;

  AbsentPaths(InstantSource clock) {
    this.clock = clock;
  }

  /** One lookup's view: directories are looked at once per view, so a view must not outlive its lookup. */
  View view() {
    return new View();
  }

  final class View {
    /** Empty: the directory is not there (nor anything below it). Null value never stored. */
    private final Map<String, Optional<Snapshot>> seen = new HashMap<>();
    /** Directories the daemon could not look at: every path below them is checked on its own. */
    private final Set<String> doubtful = new java.util.HashSet<>();

    /** Whether anything is at p, as far as the daemon can tell (doubt counts as present). */
    boolean present(Path p) {
      Path dir = p.getParent();
      Path name = p.getFileName();
      if (dir == null || name == null) {
        return !Files.notExists(p);
      }
      return present(dir.toString(), name.toString());
    }

    /**
     * {@link #present(Path)} for {@code dir/name}, where dir is a normalised absolute path and name
     * one or more plain components (no "." or ".."), given as strings.
     */
    boolean present(String dir, String name) {
      int slash = name.lastIndexOf('/');
      String parent = slash < 0 ? dir : join(dir, name.substring(0, slash));
      String leaf = slash < 0 ? name : name.substring(slash + 1);
      if (doubtful.contains(parent)) {
        return !Files.notExists(Path.of(parent, leaf));
      }
      Optional<Snapshot> s = seen.get(parent);
      if (s == null) {
        try {
          s = snapshot(Path.of(parent));
        } catch (IOException | RuntimeException e) {
          doubtful.add(parent);
          return !Files.notExists(Path.of(parent, leaf));
        }
        seen.put(parent, s);
      }
      if (s.isEmpty()) {
        return false;
      }
      Snapshot snap = s.get();
      Dir known = dirs.get(parent);
      if (known != null && known.snapshot().equals(snap) && known.missing().contains(leaf)) {
        return false;
      }
      Path p = Path.of(parent, leaf);
      if (!Files.notExists(p, LinkOption.NOFOLLOW_LINKS)) {
        // Something is there (a dangling link counts as nothing, as the compiler sees it), or doubt.
        return !Files.notExists(p);
      }
      remember(parent, snap, leaf);
      return false;
    }
  }

  /** dir/name, as {@code Path.of(dir).resolve(name)} spells it, for a path's string and a relative name. */
  static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** The directory as it is now; empty when it (or a directory above it) is missing or not a directory. */
  private static Optional<Snapshot> snapshot(Path dir) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(dir, BasicFileAttributes.class);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty();
    }
    if (!a.isDirectory()) {
      return Optional.empty();
    }
    FileTime ctime = (FileTime) Files.getAttribute(dir, "unix:ctime");
    Object key = a.fileKey();
    if (key == null) {
      throw new IOException("no file key for " + dir);
    }
    return Optional.of(new Snapshot(key, nanos(a.lastModifiedTime()), nanos(ctime)));
  }

  private void remember(String dir, Snapshot snap, String name) {
    long newest = Math.max(snap.mtimeNanos(), snap.ctimeNanos()) / 1_000_000;
    if (clock.millis() - newest <= DaemonConstants.DIRECT_FRESH_FILE_MS) {
      return;
    }
    if (dirs.size() >= DaemonConstants.ABSENT_DIRS_KEPT || names.get() >= DaemonConstants.ABSENT_NAMES_KEPT) {
      dirs.clear();
      names.set(0);
    }
    Dir d = dirs.compute(dir, (k, old) -> {
      if (old != null && old.snapshot().equals(snap)) {
        return old;
      }
      if (old != null) {
        names.addAndGet(-old.missing().size());
      }
      return new Dir(snap, ConcurrentHashMap.newKeySet());
    });
    if (d.missing().add(name)) {
      names.incrementAndGet();
    }
  }

  /** For tests and stats: how many missing names are remembered. */
  int rememberedNames() {
    return dirs.values().stream().mapToInt(d -> d.missing().size()).sum();
  }

  private static long nanos(FileTime t) {
    return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
