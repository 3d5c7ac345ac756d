package dev.vxcc.daemon.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
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

  /** Names in each directory read so far, or UNREADABLE for one that could not be read whole. */
  private final Map<Path, Set<String>> listings = new HashMap<>();
  private final int maxListed;

  DirectoryListings() {
    this(MAX_LISTED_ENTRIES);
  }

  DirectoryListings(int maxListed) {
    this.maxListed = maxListed;
  }

  /** The shallowest missing path between dir and dir/name (a missing directory stands for all below it), or null. */
  Path firstMissing(Path dir, String name) {
    Path p = dir;
    for (Path part : Path.of(name)) {
      Path parent = p;
      p = p.resolve(part);
      if (missing(parent, part.toString(), p)) {
        return p.normalize();
      }
    }
    return null;
  }

  private boolean missing(Path parent, String part, Path p) {
    if (part.equals(".") || part.equals("..")) {
      return Files.notExists(p, LinkOption.NOFOLLOW_LINKS);
    }
    Set<String> names = listings.computeIfAbsent(parent, this::list);
    return names == UNREADABLE ? Files.notExists(p, LinkOption.NOFOLLOW_LINKS) : !names.contains(part);
  }

  /** Remembered like a listing, so that an unreadable directory is tried once (compared by identity). */
  private static final Set<String> UNREADABLE = Set.of("/");

  private Set<String> list(Path dir) {
    Set<String> names = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
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
