package dev.vxcc.daemon.local;

import dev.vxcc.api.v1.ManifestEntry;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.ResultCache;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct mode's writing half: after a clean compile that missed, a manifest entry listing what it
 * read (path and digest, with the caller's permissions) and the places where a new header would
 * have shadowed one of them, stored under the probe's manifest key for the next lookup.
 */
final class ManifestRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestRecorder.class);

  /** A file's digest as the caller sees it (DirectMode's, through the digest cache). */
  interface Digester {
    String digest(FileAccess access, Path file) throws IOException;
  }

  private final ResultCache cache;
  private final DelegateStats stats;
  private final WorkerExecutor pool;
  private final Digester digester;

  ManifestRecorder(ResultCache cache, DelegateStats stats, WorkerExecutor pool, Digester digester) {
    this.cache = cache;
    this.stats = stats;
    this.pool = pool;
    this.digester = digester;
  }

  /**
   * After a clean compile that went through the preprocessor: what it read goes into the
   * manifest, unless any of it changed after the compile started (the text may be older than the
   * files then). Only for cacheable results: a source that reads the clock is never recorded, and
   * the caller's task key is what found that out ({@link IncludeScan#scan} does not look again).
   */
  void record(DirectMode.Probe p, long startedMillis, byte[] preprocessed, String resultKey, boolean portable) {
    save(p, () -> {
      Optional<IncludeScan.Includes> scan = IncludeScan.scan(preprocessed, p.cwd());
      return scan.isEmpty() ? Optional.empty() : entry(p, startedMillis, scan.get(), resultKey, portable, true);
    });
  }

  /**
   * After a successful source-tree compile: the files its dependency pass listed are exactly what
   * it read. Its result names the user's paths, so the entry matches only in this checkout, and
   * the result brings its own dependency file.
   */
  void recordTree(DirectMode.Probe p, long startedMillis, Path main, List<Path> read, String resultKey) {
    Map<Path, Path> includer = new java.util.LinkedHashMap<>();
    read.stream().filter(f -> !f.equals(main)).forEach(f -> includer.put(f, main));
    save(p, () -> entry(p, startedMillis, new IncludeScan.Includes(main, includer), resultKey, false, false));
  }

  private void save(DirectMode.Probe p, java.util.concurrent.Callable<Optional<ManifestEntry>> entry) {
    stats.manifestsInFlight.incrementAndGet();
    // Serialised on the worker too: a manifest runs to hundreds of kilobytes.
    pool.executeBlocking(() -> entry.call().map(e -> DirectManifests.extend(p.manifest(), e).toByteArray()), false)
        .compose(bytes -> {
          if (bytes.isEmpty()) {
            return Future.<Void>succeededFuture();
          }
          stats.manifestsRecorded.incrementAndGet();
          return cache.put(p.manifestKey(), bytes.get());
        })
        .onFailure(err -> LOG.debug("no manifest recorded: {}", err.toString()))
        .onComplete(done -> stats.manifestsInFlight.decrementAndGet());
  }

  private Optional<ManifestEntry> entry(DirectMode.Probe p, long started, IncludeScan.Includes scanned, String resultKey, boolean portable,
      boolean depFromDisk) throws IOException {
    Optional<IncludeScan.Includes> scan = Optional.of(scanned);
    // The source too: its digest in the key was taken before the preprocessor read it.
    if (changedSince(scan.get().main(), started)) {
      return Optional.empty();
    }
    ManifestEntry.Builder b = ManifestEntry.newBuilder().setResultKey(resultKey).setBaseDir(portable ? "" : p.baseDir());
    Set<Path> searched = searchDirs(scan.get());
    searched.addAll(p.includeDirs());
    // What the groups cannot say exactly (an oddly spelled directory, a place under the base dir
    // reached from a directory above it) keeps a path of its own.
    Set<String> absent = new LinkedHashSet<>();
    AbsentGroups grouped = new AbsentGroups(p.baseDir());
    DirectoryListings paths = new DirectoryListings();
    for (Map.Entry<Path, Path> inc : scan.get().includer().entrySet()) {
      Path file = inc.getKey();
      if (changedSince(file, started)) {
        return Optional.empty();
      }
      b.addIncludes(DirectManifests.file(file, digester.digest(p.access(), file), p.baseDir()));
      // The searched directories, then the includer's own if it is not one of them (no copy per include).
      Path own = inc.getValue().getParent();
      boolean ownSearched = own == null || searched.contains(own);
      for (String[] name : nameParts(file)) {
        for (Path dir : searched) {
          addMissing(absent, grouped, paths, dir, name);
        }
        if (!ownSearched) {
          addMissing(absent, grouped, paths, own, name);
        }
      }
      if (absent.size() + grouped.size() + b.getIncludesCount() > DaemonConstants.MANIFEST_MAX_PATHS) {
        return Optional.empty();
      }
    }
    String base = p.baseDir().isEmpty() ? "" : Path.of(p.baseDir()).toString();
    absent.forEach(a -> b.addAbsent(DirectManifests.absent(a, p.baseDir(), base)));
    grouped.addTo(b);
    if (depFromDisk && p.dep().path() != null) {
      Path dep = p.access().readable(p.dep().path());
      byte[] content = Files.readAllBytes(dep);
      if (content.length == 0 || content.length > DaemonConstants.MANIFEST_MAX_BYTES / 4) {
        return Optional.empty();
      }
      b.setDepFile(DirectManifests.depFile(content, p.baseDir())).setDepBaseLength(p.baseDir().length());
    }
    ManifestEntry e = b.build();
    return e.getSerializedSize() > DaemonConstants.MANIFEST_MAX_BYTES / 2 ? Optional.empty() : Optional.of(e);
  }

  private static void addMissing(Set<String> absent, AbsentGroups grouped, DirectoryListings paths, Path dir, String[] name) {
    int k = paths.missingAt(dir, name);
    if (k < 0) {
      return;
    }
    if (!(paths.plain(dir) && plainNames(name) && grouped.add(dir, name, k))) {
      absent.add(paths.firstMissing(dir, name));
    }
  }

  private static boolean plainNames(String[] parts) {
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Directories a same-named header could appear in and win: every directory an include came
   * from and the main source's. A new header there is looked at, whatever the search order.
   */
  private static Set<Path> searchDirs(IncludeScan.Includes s) {
    Set<Path> dirs = new LinkedHashSet<>();
    dirs.add(s.main().getParent());
    for (Path f : s.includer().keySet()) {
      for (String[] name : nameParts(f)) {
        Path dir = f;
        for (int i = name.length; i > 0 && dir != null; i--) {
          dir = dir.getParent();
        }
        if (dir != null) {
          dirs.add(dir);
        }
      }
    }
    return dirs;
  }

  /** How an #include may have spelled the file: its last one or two path components, each split. */
  private static List<String[]> nameParts(Path file) {
    List<String[]> names = new ArrayList<>();
    int n = file.getNameCount();
    for (int k = 1; k <= Math.min(2, n - 1); k++) {
      String[] parts = new String[k];
      for (int j = 0; j < k; j++) {
        parts[j] = file.getName(n - k + j).toString();
      }
      names.add(parts);
    }
    return names;
  }

  static boolean changedSince(Path file, long started) {
    try {
      // One stat for both times: this runs for every header of every recorded compile.
      Map<String, Object> a = Files.readAttributes(file, "unix:lastModifiedTime,ctime");
      long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
      long ctime = ((FileTime) a.get("ctime")).toMillis();
      // A file system with whole-second times may show a change during the compile's first
      // second as older than the compile: there, that whole second counts as "during".
      long margin = mtime % 1000 == 0 && ctime % 1000 == 0 ? 1_000 : 0;
      return Math.max(mtime, ctime) >= started - margin;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
