package dev.vxcc.daemon.local;

import dev.vxcc.api.v1.CompileResult;
import dev.vxcc.api.v1.Manifest;
import dev.vxcc.api.v1.ManifestEntry;
import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.PhaseTimes;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.identity.TreeKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct mode: answer a compile from the shared cache without running the preprocessor, when a
 * manifest says which files an earlier identical compile read and they are all unchanged (see
 * {@link DirectManifests}); after a miss, record what this compile read. Files are seen with the
 * caller's permissions; anything the daemon cannot check is a miss, which preprocesses as before.
 */
final class DirectMode {
  private static final Logger LOG = LoggerFactory.getLogger(DirectMode.class);

  private final Vertx vertx;
  private final ResultCache cache;
  private final FileDigestCache digests;
  private final DelegateStats stats;
  private final InstantSource clock;
  private final WorkerExecutor pool;
  private final long maxResultBytes;
  private final AbsentPaths absent;
  private final ManifestRecorder recorder;

  DirectMode(Vertx vertx, ResultCache cache, FileDigestCache digests, DelegateStats stats, InstantSource clock, long maxResultBytes) {
    this.vertx = vertx;
    this.cache = cache;
    this.digests = digests;
    this.stats = stats;
    this.clock = clock;
    this.maxResultBytes = maxResultBytes;
    this.absent = new AbsentPaths(clock);
    this.pool = vertx.createSharedWorkerExecutor(DaemonConstants.DIRECT_POOL, DaemonConstants.DIRECT_THREADS);
    this.recorder = new ManifestRecorder(cache, stats, pool, (access, file) -> digest(access, file));
  }

  /** Records what a compile read after a miss: see {@link ManifestRecorder}. */
  ManifestRecorder recorder() {
    return recorder;
  }

  /** What a lookup learnt, kept on the task so that a miss can record without asking again. */
  record Probe(String manifestKey, Optional<Manifest> manifest, FileAccess access, DependencyFileArg dep, Path cwd, String baseDir,
      List<Path> includeDirs) {}

  /** The wrapper's directive on a hit, and the probe for recording on a miss (null: never record). */
  record Lookup(Optional<Buffer> hit, Probe probe) {
    static final Lookup OFF = new Lookup(Optional.empty(), null);
  }

  Future<Lookup> lookup(PeerIdentity caller, String compilerDigest, Decision.Remote d, List<String> args, Path cwd,
      Map<String, String> env, String baseDir, boolean read) {
    Promise<Lookup> answer = Promise.promise();
    long timer = vertx.setTimer(DaemonConstants.DIRECT_LOOKUP_TIMEOUT_MS, t -> answer.tryComplete(Lookup.OFF));
    PhaseTimes phases = stats.phases;
    long started = phases.now();
    pool.executeBlocking(() -> probe(caller, compilerDigest, d, args, cwd, env, baseDir), false)
        .compose(p -> {
          phases.since(PhaseTimes.Phase.DIRECT_PROBE, started);
          if (p == null || !read) {
            return Future.succeededFuture(p == null ? Lookup.OFF : new Lookup(Optional.empty(), p));
          }
          long asked = phases.now();
          return cache.get(p.manifestKey()).compose(bytes -> {
            phases.since(PhaseTimes.Phase.DIRECT_MANIFEST, asked);
            return bytes.isEmpty() ? Future.succeededFuture(new Lookup(Optional.empty(), p)) : matched(p, bytes.get(), d);
          });
        })
        .otherwise(err -> {
          LOG.debug("direct mode lookup for {} failed: {}", d.sourcePath(), err.toString());
          return Lookup.OFF;
        })
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          answer.tryComplete(ar.result());
        });
    return answer.future();
  }

  private Probe probe(PeerIdentity caller, String compilerDigest, Decision.Remote d, List<String> args, Path cwd,
      Map<String, String> env, String baseDir) throws IOException {
    DependencyFileArg dep = DependencyFileArg.of(args, cwd, d.outputPath());
    if (!dep.understood() || readsUnlistedFiles(args)) {
      return null;
    }
    FileAccess access = FileAccess.of(caller);
    String source = digest(access, cwd.resolve(d.sourcePath()));
    return new Probe(DirectManifests.key(compilerDigest, args, cwd, env, baseDir, source), Optional.empty(), access, dep, cwd, baseDir,
        includeDirs(args, cwd));
  }

  private Future<Lookup> matched(Probe p, byte[] bytes, Decision.Remote d) {
    PhaseTimes phases = stats.phases;
    long started = phases.now();
    return pool.executeBlocking(() -> {
      Manifest m;
      try {
        m = DirectManifests.parse(bytes);
      } catch (IllegalArgumentException e) {
        LOG.info("ignoring an invalid manifest {}: {}", p.manifestKey(), e.getMessage());
        return new Matched(new Lookup(Optional.empty(), p), null);
      }
      Probe withManifest = new Probe(p.manifestKey(), Optional.of(m), p.access(), p.dep(), p.cwd(), p.baseDir(), p.includeDirs());
      return new Matched(new Lookup(Optional.empty(), withManifest), DirectManifests.match(m, p.baseDir(), files(p.access())).orElse(null));
    }, false).compose(m -> {
      phases.since(PhaseTimes.Phase.DIRECT_MATCH, started);
      if (m.entry == null) {
        return Future.succeededFuture(m.lookup);
      }
      long asked = phases.now();
      return cache.get(m.entry.getResultKey()).compose(r -> r.isEmpty() ? Future.succeededFuture(m.lookup)
              : pool.executeBlocking(() -> new Lookup(answer(CompileResult.parseFrom(r.get()), m.entry, p, d), m.lookup.probe()), false))
          .onComplete(ar -> phases.since(PhaseTimes.Phase.DIRECT_RESULT, asked));
    });
  }

  /** The wrapper's result directive from a stored result; empty when it is not one to hand over. */
  private Optional<Buffer> answer(CompileResult r, ManifestEntry e, Probe p, Decision.Remote d) {
    if (r.getExitCode() != 0) {
      return Optional.empty();
    }
    if (e.getResultKey().startsWith(TreeKey.CACHE_PREFIX)) {
      return treeAnswer(r, p, d);
    }
    List<Directives.OutputFile> files = new ArrayList<>();
    String out = d.outputPath().toString();
    String suffix = d.outputSuffix();
    String base = out.endsWith(suffix) ? out.substring(0, out.length() - suffix.length()) : out;
    long left = maxResultBytes;
    for (dev.vxcc.api.v1.OutputFile f : r.getFilesList()) {
      byte[] data = Zstd.decompress(f.getDataZstd().toByteArray(), left);
      left -= data.length;
      files.add(new Directives.OutputFile(f.getSuffix().equals(suffix) ? out : base + f.getSuffix(), data));
    }
    if (files.stream().noneMatch(x -> x.path().equals(out))) {
      return Optional.empty();
    }
    if (p.dep().path() != null) {
      if (e.getDepFile().isEmpty() || !DirectManifests.depFileReplayable(e, p.baseDir())) {
        return Optional.empty();
      }
      files.add(new Directives.OutputFile(p.dep().path().toString(), DirectManifests.depFileFor(e, p.baseDir())));
    }
    return Optional.of(Directives.result(0, r.getStdout().toByteArray(), r.getStderr().toByteArray(), files, "from the shared cache (direct)"));
  }

  /**
   * A source tree's stored result names its files by absolute path: each must be one this
   * invocation writes (another checkout's paths never are), and its dependency file is among them.
   */
  private Optional<Buffer> treeAnswer(CompileResult r, Probe p, Decision.Remote d) {
    Set<String> allowed = new java.util.HashSet<>();
    if (d.sourceTree()) {
      allowed.addAll(d.extraOutputs());
    } else {
      String out = d.outputPath().toString();
      String base = out.endsWith(d.outputSuffix()) ? out.substring(0, out.length() - d.outputSuffix().length()) : out;
      allowed.add(out);
      d.extraOutputs().forEach(x -> allowed.add(base + x));
      if (p.dep().path() != null) {
        allowed.add(p.dep().path().toString());
      }
    }
    List<Directives.OutputFile> files = new ArrayList<>();
    long left = maxResultBytes;
    for (dev.vxcc.api.v1.OutputFile f : r.getFilesList()) {
      if (!allowed.contains(f.getSuffix())) {
        return Optional.empty();
      }
      byte[] data = Zstd.decompress(f.getDataZstd().toByteArray(), left);
      left -= data.length;
      files.add(new Directives.OutputFile(f.getSuffix(), data));
    }
    String out = d.outputPath().toString();
    if (files.stream().noneMatch(x -> x.path().equals(out))
        || p.dep().path() != null && files.stream().noneMatch(x -> x.path().equals(p.dep().path().toString()))) {
      return Optional.empty();
    }
    return Optional.of(Directives.result(0, r.getStdout().toByteArray(), r.getStderr().toByteArray(), files, "from the shared cache (direct)"));
  }

  // A Lookup plus the entry that matched, inside the blocking step only.
  private static class Matched {
    final Lookup lookup;
    final ManifestEntry entry;

    Matched(Lookup lookup, ManifestEntry entry) {
      this.lookup = lookup;
      this.entry = entry;
    }
  }

  private DirectManifests.Files files(FileAccess access) {
    AbsentPaths.View places = absent.view();
    return new DirectManifests.Files() {
      @Override
      public String digest(Path p) throws IOException {
        return DirectMode.this.digest(access, p);
      }

      @Override
      public boolean present(Path p) {
        return places.present(p);
      }

      @Override
      public boolean present(String dir, String name) {
        return places.present(dir, name);
      }
    };
  }

  /**
   * The digest of a file the caller may read, through the daemon's digest cache unless the file
   * is so new that it may still change within the cache's mtime granularity.
   */
  String digest(FileAccess access, Path p) throws IOException {
    return digest(digests, clock, access, p);
  }

  static String digest(FileDigestCache digests, InstantSource clock, FileAccess access, Path p) throws IOException {
    Path real = access.readable(p);
    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new IOException("not a regular file: " + p);
    }
    FileDigestCache.Key key = new FileDigestCache.Key(real.toString(), a.size(), a.lastModifiedTime().toMillis());
    Optional<String> cached = digests.get(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    String hex = Digests.hexOfFile(real);
    if (clock.millis() - ctime(real, a) > DaemonConstants.DIRECT_FRESH_FILE_MS) {
      digests.put(key, hex);
    }
    return hex;
  }

  private static long ctime(Path real, BasicFileAttributes a) {
    try {
      return Math.max(a.lastModifiedTime().toMillis(), ((FileTime) Files.getAttribute(real, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toMillis());
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Options that make the compiler read files the preprocessed text's line markers do not name
   * (macro-only includes, specs, profiles, plugins, sanitizer lists, precompiled headers).
   */
  private static final List<String> UNLISTED_INPUTS = List.of("-imacros", "-specs", "--specs", "-fprofile-use", "-fauto-profile",
      "-fprofile-sample-use", "-fbranch-probabilities", "-fplugin", "-fsanitize-blacklist", "-fsanitize-ignorelist", "-include-pch",
      "-fmodule", "-fmodules", "-Xclang", "-Xpreprocessor", "-Wp,", "@");

  static boolean readsUnlistedFiles(List<String> args) {
    return args.stream().anyMatch(a -> UNLISTED_INPUTS.stream().anyMatch(a::startsWith));
  }

  private static final List<String> DIR_OPTIONS = List.of("-I", "-iquote", "-isystem", "-idirafter");

  /** The command line's include directories, where a new header would be found before the old one. */
  static List<Path> includeDirs(List<String> args, Path cwd) {
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      for (String o : DIR_OPTIONS) {
        if (a.equals(o) && i + 1 < args.size()) {
          dirs.add(cwd.resolve(args.get(++i)).normalize());
        } else if (a.startsWith(o) && a.length() > o.length() && !(o.equals("-I") && a.equals("-I-"))) {
          dirs.add(cwd.resolve(a.substring(o.length())).normalize());
        }
      }
    }
    return dirs;
  }

  void close() {
    pool.close();
  }
}
