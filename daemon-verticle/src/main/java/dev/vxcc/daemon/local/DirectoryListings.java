package dev.vxcc.daemon.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a header that does not exist yet would be found, for one manifest recording: the
 * recording asks about every include's name in every searched directory, thousands of paths per
 * compile, nearly all of them missing. One {@code lstat} per question cost a syscall and a
 * NoSuchFileException each; reading each directory once answers them all alike. A directory
 * that cannot be read as a whole (not a directory, not listable, too large) is asked path by path
 * as before, so the answers are exactly those of {@code Files.notExists(p, NOFOLLOW_LINKS)}.
 * Not thread-safe: one instance per recording, and no longer (the files may change after it).
 */
final class DirectoryListings {
  /** Beyond this many entries a directory is asked path by path instead of being held in memory. */
  static final int MAX_LISTED_ENTRIES = 20_000;

  /**
   * Names in each directory read so far, or UNREADABLE for one that could not be read whole; by the
   * directory's path string, since subdirectories are asked by joining names (no path object each).
   */
  private final Map<String, Set<String>> listings = new HashMap<>();
  /** Each asked directory's string when it is absolute and normalised (null otherwise). */
  private final Map<Path, String> normalised = new HashMap<>();
  private final int maxListed;

  DirectoryListings() {
    this(MAX_LISTED_ENTRIES);
  }

  DirectoryListings(int maxListed) {
    this.maxListed = maxListed;
  }

  /** The shallowest missing path between dir and dir/name (a missing directory stands for all below it), or null. */
  Path firstMissing(Path dir, String name) {
    List<String> parts = new ArrayList<>();
    Path.of(name).forEach(part -> parts.add(part.toString()));
    String missing = firstMissing(dir, parts.toArray(new String[0]));
    return missing == null ? null : Path.of(missing);
  }

  /**
   * {@link #firstMissing(Path, String)} for a name already split into its components, answered as
   * a normalised path string: a recording asks thousands of times, nearly always about a path that
   * is missing, and builds no path object until it keeps one.
   */
  String firstMissing(Path dir, String[] parts) {
    int k = missingAt(dir, parts);
    return k < 0 ? null : reported(dir, parts, k);
  }

  /** The index of the first part that is missing below dir (dir/parts[0]/.../parts[k]), or -1 when all are there. */
  int missingAt(Path dir, String[] parts) {
    String parent = dir.toString();
    for (int k = 0; k < parts.length; k++) {
      String part = parts[k];
      boolean missing;
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        missing = Files.notExists(Path.of(parent, part), LinkOption.NOFOLLOW_LINKS);
      } else {
        Set<String> names = listings.get(parent);
        if (names == null) {
          names = list(parent);
          listings.put(parent, names);
        }
        missing = names == UNREADABLE ? Files.notExists(Path.of(parent, part), LinkOption.NOFOLLOW_LINKS) : !names.contains(part);
      }
      if (missing) {
        return k;
      }
      if (k + 1 < parts.length) {
        // A path's string has no doubled or trailing slash, and the part is a plain name.
        parent = AbsentPaths.join(parent, part);
      }
    }
    return -1;
  }

  /** Whether dir is absolute and normalised: then dir/name for plain names needs no normalising. */
  boolean plain(Path dir) {
    return normalised.computeIfAbsent(dir, d -> d.isAbsolute() && d.normalize().equals(d) ? d.toString() : null) != null;
  }

  /** dir/parts[0]/.../parts[last], normalised. */
  private String reported(Path dir, String[] parts, int last) {
    String base = normalised.computeIfAbsent(dir, d -> d.isAbsolute() && d.normalize().equals(d) ? d.toString() : null);
    StringBuilder sb = new StringBuilder();
    boolean plain = base != null;
    for (int k = 0; k <= last; k++) {
      plain &= !parts[k].isEmpty() && !parts[k].equals(".") && !parts[k].equals("..");
      sb.append(k == 0 ? "" : "/").append(parts[k]);
    }
    if (!plain) {
      return dir.resolve(sb.toString()).normalize().toString();
    }
    // Lexically, a normalised absolute directory and plain names normalise by joining.
    return base.endsWith("/") ? base + sb : base + "/" + sb;
  }

  /** Remembered like a listing, so that an unreadable directory is tried once (compared by identity). */
  private static final Set<String> UNREADABLE = Set.of("/");

  private Set<String> list(String dir) {
    Set<String> names = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(dir))) {
      for (Path e : entries) {
        if (names.size() >= maxListed) {
          return UNREADABLE;
        }
        names.add(e.getFileName().toString());
      }
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
    return names;
  }
}
