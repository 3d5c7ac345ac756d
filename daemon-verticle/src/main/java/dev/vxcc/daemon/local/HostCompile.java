package dev.vxcc.daemon.local;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.CompileResult;
import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.InPlaceServant;
import dev.vxcc.daemon.PhaseTimes;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.args.LocalReason;
import dev.vxcc.daemon.args.MakeRule;
import dev.vxcc.daemon.identity.TreeKey;
import dev.vxcc.daemon.servant.ClockMacros;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Depend mode, for a machine that is its own only servant: the user's exact command runs once, on
 * the user's own files, in the view {@link HostTree} builds, and its own dependency list names
 * what it read; the result is then stored under the source-tree key of those files and recorded
 * for direct mode. No preprocessor pass, no upload, no second lexing of every header: on one
 * machine that pass alone costs more than the target allows over plain make (like ccache's depend
 * mode).
 *
 * <p>The compile runs as the caller (so it reads what the caller may read, nothing more), and a
 * process of the caller's can be tampered with by the caller. So what it leaves in the cache is
 * trusted by the caller alone: its entry and its manifest are keyed with the caller's uid, and
 * nobody else's lookup ever finds them. A failed compile is compiled again by the wrapper, since
 * the view might be what failed it (an output we did not foresee has nowhere to go).
 */
final class HostCompile {
  private static final Logger LOG = LoggerFactory.getLogger(HostCompile.class);
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /** How the wrapper is sent to its own compile: the flow's local directive, counted by reason. */
  interface Local {
    Buffer of(LocalTask t, LocalReason reason, String note);
  }

  private final Vertx vertx;
  private final DaemonConfig cfg;
  private final DelegateStats stats;
  private final ResultCache cache;
  private final DirectMode direct;
  private final DistributedTaskRunner runner;
  private final Supplier<InPlaceServant> servant;
  private final WorkerExecutor pool;
  private final HostInputs inputs = new HostInputs(new ClockMacros(DaemonConstants.SERVANT_CLOCK_SCAN_ENTRIES),
      DaemonConstants.SERVANT_CLOCK_SCAN_ENTRIES);
  private final SecureRandom random = new SecureRandom();
  private final int daemonUid;

  HostCompile(Vertx vertx, DaemonConfig cfg, DelegateStats stats, ResultCache cache, DirectMode direct, DistributedTaskRunner runner,
      Supplier<InPlaceServant> servant) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.stats = stats;
    this.cache = cache;
    this.direct = direct;
    this.runner = runner;
    this.servant = servant;
    this.pool = vertx.createSharedWorkerExecutor(DaemonConstants.HOST_COMPILE_POOL, Math.max(2, Runtime.getRuntime().availableProcessors()));
    this.daemonUid = dev.vxcc.daemon.servant.Sandbox.daemonUid();
  }

  /**
   * Whether this compile may run on the caller's files: asked before the direct-mode lookup,
   * whose manifest key then names the caller ({@link #ownersDigest}).
   */
  boolean applies(PeerIdentity caller, String compilerDigest, String baseDir) {
    InPlaceServant s = servant.get();
    return cfg.dependInPlace() && baseDir.isEmpty() && s != null && s.host() != null && runner.runsInPlace(compilerDigest)
        && (daemonUid == 0 ? caller.uid() == 0 || Files.isExecutable(SETPRIV) : daemonUid == caller.uid());
  }

  /** The compiler digest as the caller's own manifests and entries name it: nobody else finds them. */
  static String ownersDigest(String compilerDigest, int uid) {
    return compilerDigest + "/host-uid-" + uid;
  }

  /**
   * Completes with the wrapper's directive, or with null when this compile cannot run this way
   * after all (its dependency options, a huge output directory): then it goes the usual way.
   */
  Future<Buffer> run(LocalTask t, Supplier<Optional<Decision.Remote>> recipe, Local local) {
    return runner.inPlace().withSlot(() -> pool.executeBlocking(() -> start(t, recipe), false)
        .compose(job -> job == null ? Future.succeededFuture((Buffer) null) : finish(t, job, local)));
  }

  private record Job(Decision.Remote tree, HostTree.Prepared prepared, Path dir, FileTime stamp, Process process, long startedNanos) {}

  /** Worker: the tree recipe, the view, the stamp, the process; null when not here. */
  private Job start(LocalTask t, Supplier<Optional<Decision.Remote>> recipe) throws IOException {
    InPlaceServant s = servant.get();
    Decision.Remote tree = recipe.get().orElse(null);
    if (s == null || s.host() == null || tree == null || t.cancel.isCancelled()) {
      LOG.debug("task {} goes the usual way: {}", t.id, tree == null ? "no source-tree recipe" : "the servant left");
      return null;
    }
    byte[] name = new byte[16];
    random.nextBytes(name);
    Path dir = s.host().jobRoot().resolve("host-" + HexFormat.of().formatHex(name));
    int uid = t.owner.uid();
    int gid = t.owner.gid();
    boolean switchUser = daemonUid == 0 && uid != 0;
    List<String> env = new ArrayList<>(t.locale);
    if (!t.sourceDateEpoch.isEmpty()) {
      env.add("SOURCE_DATE_EPOCH=" + t.sourceDateEpoch);
    }
    HostTree.Prepared p;
    try {
      p = HostTree.prepare(dir, switchUser ? uid : -1, switchUser ? gid : -1, t.compiler, tree.family(), tree.remoteArgs(),
          tree.clientCwd(), tree.extraOutputs(), env);
    } catch (HostTree.NotHere e) {
      LOG.debug("task {} ({}) goes the usual way: {}", t.id, tree.sourcePath(), e.getMessage());
      delete(dir);
      return null;
    } catch (IOException e) {
      delete(dir);
      throw e;
    }
    List<String> cmd = new ArrayList<>(s.host().limits());
    if (switchUser) {
      Set<Integer> groups = FileAccess.of(t.owner).groups();
      cmd.addAll(List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + gid,
          groups.isEmpty() ? "--clear-groups" : "--groups=" + groups.stream().map(String::valueOf).collect(Collectors.joining(",")),
          "--no-new-privs", "--"));
    }
    cmd.addAll(p.command());
    Path stampFile = Files.createFile(dir.resolve("stamp"));
    FileTime stamp = (FileTime) Files.getAttribute(stampFile, "unix:ctime");
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(p.io().resolve("stdout").toFile())
        .redirectError(p.io().resolve("stderr").toFile());
    Map<String, String> e = pb.environment();
    String path = e.getOrDefault("PATH", "/usr/bin:/bin");
    e.clear();
    e.put("PATH", path);
    e.putAll(p.env());
    try {
      return new Job(tree, p, dir, stamp, pb.start(), stats.phases.now());
    } catch (IOException ex) {
      delete(dir);
      throw ex;
    }
  }

  private Future<Buffer> finish(LocalTask t, Job job, Local local) {
    stats.inPlace.incrementAndGet();
    stats.dependInPlace.incrementAndGet();
    t.cancel.future().onComplete(x -> job.process().descendants().forEach(ProcessHandle::destroyForcibly));
    t.cancel.future().onComplete(x -> job.process().destroyForcibly());
    return Future.fromCompletionStage(job.process().onExit(), vertx.getOrCreateContext())
        .timeout(cfg.taskTimeoutMs(), TimeUnit.MILLISECONDS)
        .transform(ar -> {
          stats.phases.since(PhaseTimes.Phase.COMPILE, job.startedNanos());
          if (ar.failed()) {
            job.process().descendants().forEach(ProcessHandle::destroyForcibly);
            job.process().destroyForcibly();
          }
          return pool.executeBlocking(() -> collect(t, job, ar.succeeded() ? ar.result().exitValue() : null), false);
        })
        .eventually(() -> pool.executeBlocking(() -> {
          delete(job.dir());
          return null;
        }, false))
        .map(c -> switch (c) {
          case Collected.Done d -> d.directive();
          case Collected.Failed f -> {
            if (f.compileError()) {
              stats.repeated(RepeatReason.COMPILE_ERROR);
            }
            yield local.of(t, f.reason(), f.note());
          }
        });
  }

  private sealed interface Collected {
    record Done(Buffer directive) implements Collected {}

    record Failed(LocalReason reason, String note, boolean compileError) implements Collected {}
  }

  /** Worker: the outputs, and the cache entry and manifest when the compile may be repeated from them. */
  private Collected collect(LocalTask t, Job job, Integer exit) throws IOException {
    HostTree.Prepared p = job.prepared();
    if (exit == null || t.cancel.isCancelled()) {
      return new Collected.Failed(t.cancel.isCancelled() ? LocalReason.CANCELLED : LocalReason.REMOTE_FAILED, "", false);
    }
    byte[] stdout = Files.readAllBytes(p.io().resolve("stdout"));
    byte[] stderr = Files.readAllBytes(p.io().resolve("stderr"));
    if (exit != 0) {
      boolean ours = new String(stderr, 0, Math.min(stderr.length, 7), StandardCharsets.ISO_8859_1).equals("bwrap: ");
      if (ours) {
        LOG.warn("task {} ({}): the depend-mode view failed: {}", t.id, job.tree().sourcePath(), Notes.diagnostic(stderr));
      }
      return new Collected.Failed(ours ? LocalReason.REMOTE_FAILED : LocalReason.COMPILE_ERROR, Notes.diagnostic(stderr), !ours);
    }
    int runUid = daemonUid == 0 ? t.owner.uid() : daemonUid;
    long left = cfg.servant().maxResultBytes();
    List<Directives.OutputFile> files = new ArrayList<>();
    for (Map.Entry<String, Path> o : p.outputs().entrySet()) {
      byte[] data = ownFile(o.getValue(), runUid, left);
      if (data != null) {
        left -= data.length;
        files.add(new Directives.OutputFile(o.getKey(), data));
      }
    }
    String out = job.tree().outputPath().toString();
    byte[] deps = ownFile(p.depFile(), runUid, cfg.servant().maxResultBytes());
    if (files.stream().noneMatch(f -> f.path().equals(out)) || deps == null) {
      return new Collected.Failed(LocalReason.REMOTE_FAILED, "the compile left no " + (deps == null ? "dependency list" : "object"), false);
    }
    Buffer directive = Directives.result(0, stdout, stderr, files, "");
    if (!t.disallowCacheFill) {
      store(t, job, deps, stdout, stderr, files);
    }
    return new Collected.Done(directive);
  }

  /** Blocking: the entry under the caller's own key, and the manifest that finds it without a compile. */
  private void store(LocalTask t, Job job, byte[] deps, byte[] stdout, byte[] stderr, List<Directives.OutputFile> files) throws IOException {
    Decision.Remote tree = job.tree();
    Path cwd = Path.of(tree.clientCwd());
    Path main = cwd.resolve(tree.sourcePath()).normalize();
    Set<String> read = new LinkedHashSet<>();
    // gcc's SUNPRO_DEPENDENCIES list leaves out the main file.
    read.add(main.toString());
    for (String d : MakeRule.prerequisites(new String(deps, StandardCharsets.ISO_8859_1))) {
      read.add(cwd.resolve(d).normalize().toString());
    }
    HostInputs.Read r;
    try {
      r = inputs.read(read, FileAccess.of(t.owner), job.stamp(), DaemonConstants.SERVANT_MAX_BLOB_BYTES);
    } catch (IOException e) {
      LOG.info("task {} ({}) not cached: {}", t.id, tree.sourcePath(), e.getMessage());
      return;
    }
    if (r.unstorable() != null || !ClockMacros.repeatable(r.clockFlags(), t.sourceDateEpoch)) {
      LOG.info("task {} ({}) not cached: {}", t.id, tree.sourcePath(), r.unstorable() != null ? r.unstorable() : "a file names a clock macro");
      return;
    }
    String key = TreeKey.owned(TreeKey.of(t.compilerDigest, tree.clientCwd(), t.sourceDateEpoch, tree.remoteArgs(), tree.extraOutputs(),
        t.locale, r.files()), t.owner.uid());
    CompileResult.Builder entry = CompileResult.newBuilder().setExitCode(0)
        .setStdout(ByteString.copyFrom(stdout)).setStderr(ByteString.copyFrom(stderr));
    for (Directives.OutputFile f : files) {
      entry.addFiles(OutputFile.newBuilder().setSuffix(f.path()).setDataZstd(ByteString.copyFrom(Zstd.compress(f.data()))));
    }
    String cacheKey = TreeKey.cacheKey(key);
    cache.put(cacheKey, entry.build().toByteArray());
    if (t.direct != null) {
      direct.recorder().recordTree(t.direct, t.createdAt, main, read.stream().map(Path::of).toList(), cacheKey);
    }
  }

  /**
   * A file the compile wrote, or null: never through a link, and only one its user owns (a hard
   * link to someone else's file, made into the stage by the caller, is not shipped back).
   */
  private static byte[] ownFile(Path f, int uid, long max) throws IOException {
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    byte[] data;
    // O_NOFOLLOW: a link swapped in after the check fails the open instead of being read.
    try (var in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
      data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    }
    Map<String, Object> a = Files.readAttributes(f, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    return (Integer) a.get("uid") != uid || data.length > max ? null : data;
  }

  /** Blocking; never follows links, so whatever the compile's user left there deletes only itself. */
  private static void delete(Path dir) {
    dev.vxcc.daemon.servant.JobRoot.deleteQuietly(dir);
  }
}
