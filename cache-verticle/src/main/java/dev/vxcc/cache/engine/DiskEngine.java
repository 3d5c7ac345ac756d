package dev.vxcc.cache.engine;

import dev.vxcc.cache.CacheKeys;
import dev.vxcc.cache.EntryCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cache.engine = disk}: one file per entry under {@code <dir>/<2 hex digits>/<key>}, in the
 * {@link EntryCodec} format. The index (key to file size) lives in memory and is rebuilt from the
 * directory on {@link #open()}; last access is the file's mtime, so purging is LRU across restarts.
 */
public final class DiskEngine implements CacheEngine {
  private static final Logger LOG = LoggerFactory.getLogger(DiskEngine.class);
  private static final String TMP_PREFIX = ".tmp-";
  /** Purge down to this share of the bound, so that a full cache is not purged on every tick. */
  static final int LOW_WATERMARK_PERCENT = 95;

  private final Path root;
  private final long maxBytes;
  private final InstantSource clock;
  private final Map<String, Long> index = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder corrupt = new LongAdder();

  public DiskEngine(Path root, long maxBytes, InstantSource clock) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("disk cache bound must be > 0, got " + maxBytes);
    }
    this.root = root;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /**
   * Creates the 256 bucket directories and indexes the entries a previous run left. Only the
   * header size is checked here (reading every file would make start-up as slow as the disk);
   * the digest is checked on each read. Blocking.
   */
  public DiskEngine open() {
    try {
      for (int i = 0; i < 256; i++) {
        Path dir = root.resolve(HexFormat.of().toHexDigits((byte) i));
        Files.createDirectories(dir);
        scan(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open disk cache in " + root + ": " + e.getMessage(), e);
    }
    LOG.info("disk cache {}: {} entries, {} bytes of {}", root, index.size(), bytes.get(), maxBytes);
    purge();
    return this;
  }

  private void scan(Path dir) throws IOException {
    String bucket = dir.getFileName().toString();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
        if (attrs.isDirectory()) {
          LOG.warn("ignoring unexpected directory {} in the disk cache", f);
        } else if (name.startsWith(TMP_PREFIX) || !CacheKeys.isValid(name) || !CacheKeys.bucket(name).equals(bucket)) {
          // Leftover of a put interrupted by a crash, or a file that is not ours to serve.
          Files.deleteIfExists(f);
        } else if (attrs.size() < EntryCodec.HEADER_BYTES) {
          corrupt.increment();
          Files.deleteIfExists(f);
        } else {
          index(name, attrs.size());
        }
      }
    }
  }

  @Override
  public String name() {
    return "disk";
  }

  Path path(String key) {
    return root.resolve(CacheKeys.bucket(key)).resolve(key);
  }

  @Override
  public Optional<byte[]> get(String key) {
    if (!index.containsKey(key)) {
      misses.increment();
      return Optional.empty();
    }
    Path p = path(key);
    byte[] value;
    try {
      value = EntryCodec.decode(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      forget(key);
      misses.increment();
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("cannot read cache entry {}: {}", p, e.toString());
      misses.increment();
      return Optional.empty();
    } catch (EntryCodec.CorruptEntryException e) {
      // Unlike yadcc (§10.2/17) the entry leaves the index and the disk, so it is neither served
      // nor counted against the bound; the next put of the key writes it afresh. (A put renaming
      // a good file in between our read and this delete loses that entry: a later miss, no harm.)
      LOG.warn("dropping corrupt cache entry {}: {}", p, e.getMessage());
      corrupt.increment();
      misses.increment();
      forget(key);
      deleteQuietly(p);
      return Optional.empty();
    }
    touch(p);
    hits.increment();
    return Optional.of(value);
  }

  @Override
  public void put(String key, byte[] value) {
    byte[] stored = EntryCodec.encode(value);
    Path target = path(key);
    Path tmp = null;
    try {
      // A private temp file then an atomic rename: readers see the old entry or the new one, never
      // half of one, and concurrent puts of one key each rename a complete file (the last one wins).
      tmp = Files.createTempFile(target.getParent(), TMP_PREFIX, null);
      Files.write(tmp, stored);
      Files.setLastModifiedTime(tmp, FileTime.from(clock.instant()));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
      throw new UncheckedIOException("cannot write cache entry " + target + ": " + e.getMessage(), e);
    }
    index(key, stored.length);
  }

  @Override
  public void remove(String key) {
    forget(key);
    deleteQuietly(path(key));
  }

  @Override
  public Collection<String> keys() {
    return List.copyOf(index.keySet());
  }

  @Override
  public EngineStats stats() {
    return new EngineStats(index.size(), bytes.get(), hits.sum(), misses.sum(), evictions.sum(), corrupt.sum());
  }

  /** Deletes least recently used files (by mtime, bumped on every hit) until under the low watermark. */
  @Override
  public synchronized int purge() {
    if (bytes.get() <= maxBytes) {
      return 0;
    }
    long target = maxBytes / 100 * LOW_WATERMARK_PERCENT;
    record Candidate(String key, Instant lastUsed) {}
    List<Candidate> all = new ArrayList<>(index.size());
    for (String key : index.keySet()) {
      all.add(new Candidate(key, lastModified(path(key))));
    }
    all.sort(Comparator.comparing(Candidate::lastUsed).thenComparing(Candidate::key));
    int removed = 0;
    for (Candidate c : all) {
      if (bytes.get() <= target) {
        break;
      }
      remove(c.key());
      evictions.increment();
      removed++;
    }
    LOG.info("disk cache purge removed {} entries, {} bytes left of {}", removed, bytes.get(), maxBytes);
    return removed;
  }

  /** From the index: the file is the value behind an {@link EntryCodec} header. */
  @Override
  public java.util.OptionalLong size(String key) {
    Long file = index.get(key);
    return file == null || file < EntryCodec.HEADER_BYTES ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(file - EntryCodec.HEADER_BYTES);
  }

  private void index(String key, long size) {
    Long old = index.put(key, size);
    bytes.addAndGet(size - (old == null ? 0 : old));
  }

  private void forget(String key) {
    Long old = index.remove(key);
    if (old != null) {
      bytes.addAndGet(-old);
    }
  }

  private void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, FileTime.from(clock.instant()));
    } catch (IOException e) {
      LOG.debug("cannot touch {}: {}", p, e.toString()); // only purge order suffers
    }
  }

  private static Instant lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH; // gone or unreadable: purge it first
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.debug("cannot delete {}: {}", p, e.toString());
    }
  }
}
