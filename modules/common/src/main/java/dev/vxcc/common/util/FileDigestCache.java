package dev.vxcc.common.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Digests of files (compilers, mostly) keyed by path, size and mtime, so that a binary is read
 * once per change rather than once per compile. Thread-safe: filled from worker threads.
 */
public final class FileDigestCache {
  public record Key(String path, long size, long mtimeMillis) {}

  private final Map<String, Map.Entry<Key, String>> byPath = new ConcurrentHashMap<>();

  public Optional<String> get(Key key) {
    Map.Entry<Key, String> e = byPath.get(key.path());
    return e != null && e.getKey().equals(key) ? Optional.of(e.getValue()) : Optional.empty();
  }

  public void put(Key key, String digest) {
    byPath.put(key.path(), Map.entry(key, digest));
  }

  public static Key keyOf(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Key(file.toString(), a.size(), a.lastModifiedTime().toMillis());
  }

  /** Blocking: reads the file when its key is not cached. Follows symlinks to the real binary. */
  public String digestOf(Path file) throws IOException {
    Path real = file.toRealPath();
    Key key = keyOf(real);
    Optional<String> cached = get(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    String digest = Digests.hexOfFile(real);
    put(key, digest);
    return digest;
  }

  public Map<String, String> snapshot() {
    Map<String, String> out = new java.util.TreeMap<>();
    byPath.forEach((p, e) -> out.put(p, e.getValue()));
    return out;
  }
}
