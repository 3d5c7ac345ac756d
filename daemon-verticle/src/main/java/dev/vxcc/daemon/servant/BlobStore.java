package dev.vxcc.daemon.servant;

import dev.vxcc.common.util.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * File contents by SHA-256 for source-tree tasks, so that a header crosses the network once per
 * servant rather than once per compile. Bounded on disk: the least recently used blobs go first.
 * Blobs are only ever read by the daemon (it copies them into a job's tree), never handed to a
 * compiler, so a compile cannot alter what the next one reads. Thread-safe; every method blocks.
 */
final class BlobStore {
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

  private final Path dir;
  private final long maxBytes;
  /** Access order: the eldest entry is the least recently used. */
  private final LinkedHashMap<String, Long> sizes = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  /** Blocking: forgets what a previous run stored (its sizes are not worth trusting). */
  BlobStore(Path dir, long maxBytes) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      JobRoot.deleteQuietly(dir);
    }
    Files.createDirectories(dir.getParent());
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  static boolean isDigest(String s) {
    return s != null && DIGEST.matcher(s).matches();
  }

  synchronized boolean has(String digest) {
    return sizes.get(digest) != null;
  }

  /** The digests among these that are not stored. */
  synchronized List<String> missing(Collection<String> digests) {
    List<String> out = new ArrayList<>();
    for (String d : digests) {
      if (!sizes.containsKey(d) && !out.contains(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /** Stores data under its digest; false when the data does not have that digest. */
  boolean put(String digest, byte[] data) throws IOException {
    if (!isDigest(digest) || !Digests.hex(data).equals(digest)) {
      return false;
    }
    synchronized (this) {
      if (sizes.containsKey(digest)) {
        return true;
      }
    }
    Path tmp = Files.createTempFile(dir, "in-", ".tmp");
    try {
      Files.write(tmp, data);
      Files.move(tmp, dir.resolve(digest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    synchronized (this) {
      if (sizes.put(digest, (long) data.length) == null) {
        bytes += data.length;
      }
      evict();
    }
    return true;
  }

  /** Where a stored blob lies, for reading only; empty when it is not stored. */
  synchronized Optional<Path> path(String digest) {
    return sizes.containsKey(digest) ? Optional.of(dir.resolve(digest)) : Optional.empty();
  }

  /** Copies a blob to target (which must not exist); false when the blob is gone. */
  boolean copyTo(String digest, Path target) throws IOException {
    synchronized (this) {
      if (sizes.get(digest) == null) {
        return false;
      }
    }
    try {
      Files.copy(dir.resolve(digest), target);
      return true;
    } catch (java.nio.file.NoSuchFileException e) {
      // Evicted between the lookup and the copy.
      return false;
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized int count() {
    return sizes.size();
  }

  /** A blob in use may go too: its copy in the job's tree is already made or the task fails cleanly. */
  private void evict() {
    Iterator<Map.Entry<String, Long>> it = sizes.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      bytes -= e.getValue();
      it.remove();
      try {
        Files.deleteIfExists(dir.resolve(e.getKey()));
      } catch (IOException ignored) {
        // Counted as gone either way; the next start clears the directory.
      }
    }
  }

  /** For tests and stats: digests in least-recently-used order. */
  synchronized Optional<String> eldest() {
    try (Stream<String> s = sizes.keySet().stream()) {
      return s.findFirst();
    }
  }
}
