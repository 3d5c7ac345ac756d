package dev.vxcc.daemon.local;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.CleanResult;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.PhaseTimes;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.args.LocalReason;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one wrapper invocation on the delegate: classify, let the wrapper preprocess,
 * dispatch, and turn the outcome into the wrapper's next directive. Every path that is not a clean
 * remote success ends in "compile locally", so a build never fails because of us.
 */
final class CompileFlow {
  private static final Logger LOG = LoggerFactory.getLogger(CompileFlow.class);

  private final Vertx vertx;
  private final DaemonConfig cfg;
  private final LocalQuota quota;
  private final DistributedTaskRunner runner;
  private final DelegateStats stats;
  private final ResultCache cache;
  private final TaskTable tasks;
  /** Shared with /local/file_digest: a source tree's files are hashed once per change. */
  private final FileDigestCache digests;
  private final Verdicts verdicts;
  private final DirectMode direct;
  private final TreeFlow trees;
  private final TreeRouting routing;
  private final TextJobs jobs;
  private final HostCompile hosts;

  CompileFlow(Vertx vertx, DaemonConfig cfg, LocalQuota quota, DistributedTaskRunner runner, DelegateStats stats,
      FileDigestCache digests, Supplier<Set<String>> clusterCompilers, ResultCache cache, TaskTable tasks, WorkerExecutor probes) {
    this.tasks = tasks;
    this.cache = cache;
    this.verdicts = new Verdicts(vertx, cfg, new dev.vxcc.daemon.identity.CompilerIdentity(digests), clusterCompilers, probes);
    this.digests = digests;
    this.vertx = vertx;
    this.cfg = cfg;
    this.quota = quota;
    this.runner = runner;
    this.stats = stats;
    this.direct = new DirectMode(vertx, cache, digests, stats, () -> java.time.Instant.ofEpochMilli(tasks.now()), cfg.servant().maxResultBytes());
    this.trees = new TreeFlow(vertx, cfg, runner, stats, digests, cache, direct);
    this.routing = new TreeRouting(vertx, cfg, clusterCompilers, runner::runsInPlace, tasks::now);
    this.jobs = new TextJobs(vertx, verdicts.identities(), cache, stats);
    this.hosts = new HostCompile(vertx, cfg, stats, cache, direct, runner, () -> dev.vxcc.daemon.InPlaceServant.of(vertx));
  }

  /** Where compiles go and why; also the compilers this daemon knows. */
  Verdicts verdicts() {
    return verdicts;
  }

  TaskTable tasks() {
    return tasks;
  }

  private Buffer local(long pid, LocalReason reason, boolean light) {
    return local(pid, reason, "", light);
  }

  /** Every local fallback ends here: counted by reason, and the wrapper told why. */
  private Buffer local(long pid, LocalReason reason, String note, boolean light) {
    stats.local(reason);
    return Directives.local(reason.code(), note, quota.tryAcquire(pid, light), light);
  }

  Future<Buffer> compile(PeerIdentity caller, Frames f) {
    stats.invocations.incrementAndGet();
    long pid = caller.pid();
    long started = stats.phases.now();
    return verdicts.decide(caller, f).compose(v -> switch (v) {
      case Verdict.Refused r -> Future.succeededFuture(Directives.fail(r.why()));
      case Verdict.Local l -> Future.succeededFuture(local(pid, l.reason(), l.lightweight()));
      case Verdict.Remote r -> routing.atOnce(r, f, baseDir(r.env().get("VXCC_BASE_DIR"))).compose(tree -> {
        String cacheControl = r.env().getOrDefault("VXCC_CACHE_CONTROL", "1");
        LocalTask t = new LocalTask(tasks.newId(), caller, r.compiler(), r.compilerDigest(),
            tree.map(TreeRouting.AtOnce::tree).orElse(r.decision()), "0".equals(cacheControl), tasks.now());
        if (tree.isEmpty()) {
          t.treeRecipe = routing.recipe(r, f);
        } else if (tree.get().knownToPrint()) {
          stats.printingToTree.incrementAndGet();
        } else {
          t.textRecipe = r.decision();
        }
        // 0: neither read nor fill; 2: fill only (refresh entries without trusting them).
        t.cacheRead = "1".equals(cacheControl);
        t.sourceDateEpoch = r.env().getOrDefault("SOURCE_DATE_EPOCH", "");
        t.locale = dev.vxcc.daemon.servant.TreeTask.ENV_NAMES.stream().filter(r.env()::containsKey).map(n -> n + "=" + r.env().get(n)).toList();
        t.baseDir = baseDir(r.env().get("VXCC_BASE_DIR"));
        stats.phases.since(PhaseTimes.Phase.CLASSIFY, started);
        return directFirst(caller, f, r, t);
      });
    });
  }

  /** A direct-mode hit answers at once; anything else preprocesses as before, remembering what to record. */
  private Future<Buffer> directFirst(PeerIdentity caller, Frames f, Verdict.Remote r, LocalTask t) {
    boolean skip = t.disallowCacheFill || "0".equals(r.env().get("VXCC_DIRECT"));
    boolean host = hosts.applies(caller, r.compilerDigest(), t.baseDir);
    // Depend mode's entries are the caller's alone, and so are the manifests that point at them.
    String manifestDigest = host ? HostCompile.ownersDigest(r.compilerDigest(), caller.uid()) : r.compilerDigest();
    long lookupStarted = stats.phases.now();
    Future<DirectMode.Lookup> lookup = skip
        ? Future.succeededFuture(DirectMode.Lookup.OFF)
        : direct.lookup(caller, manifestDigest, t.decision, f.texts("arg"), Path.of(f.text("cwd")), r.env(), t.baseDir, t.cacheRead);
    return lookup.compose(l -> {
      if (!skip) {
        stats.phases.since(PhaseTimes.Phase.DIRECT_LOOKUP, lookupStarted);
      }
      if (l.hit().isPresent()) {
        stats.directHits.incrementAndGet();
        stats.cacheHits.incrementAndGet();
        return Future.succeededFuture(l.hit().get());
      }
      t.direct = l.probe();
      tasks.add(t);
      if (host) {
        return onHost(t, routing.treeRecipe(r, f));
      }
      stats.preprocessorRuns.incrementAndGet();
      t.preprocessSentNanos = stats.phases.now();
      return Future.succeededFuture(Directives.preprocess(t.id, argv(r.compiler(), t.decision.preprocessArgs()),
          quota.tryAcquire(caller.pid(), true)));
    });
  }

  /** Depend mode ({@link HostCompile}); a compile it cannot take goes the usual in-place way, preprocessor first. */
  private Future<Buffer> onHost(LocalTask t, Supplier<java.util.Optional<Decision.Remote>> recipe) {
    t.directive = Promise.promise();
    hosts.run(t, recipe, (task, reason, note) -> local(task.pid, reason, note, false))
        .map(d -> d != null ? d : preprocessAgain(t, t.decision))
        .recover(err -> Future.succeededFuture(remoteFailure(t, err)))
        .onComplete(ar -> t.directive.tryComplete(ar.result()));
    return await(t);
  }

  /**
   * The checkout root for path-independent keys: the build's VXCC_BASE_DIR (like CCACHE_BASEDIR),
   * else the daemon's configuration. Anything but a clean absolute directory turns it off.
   */
  private String baseDir(String fromEnv) {
    if (fromEnv == null || fromEnv.isEmpty()) {
      return cfg.baseDir();
    }
    Path p = Path.of(fromEnv);
    return p.isAbsolute() && p.normalize().equals(p) && p.getNameCount() > 0 ? p.toString() : "";
  }

  private static List<String> argv(Path compiler, List<String> args) {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(compiler.toString());
    argv.addAll(args);
    return argv;
  }

  Future<Buffer> submit(PeerIdentity caller, Frames f) {
    long pid = caller.pid();
    LocalTask t = tasks.owned(caller, f.text("task"));
    quota.release(pid);
    if (t == null) {
      return Future.succeededFuture(Directives.fail("unknown task " + f.text("task")));
    }
    if (t.directive != null) {
      return await(t);
    }
    long submitted = stats.phases.now();
    stats.phases.record(PhaseTimes.Phase.PREPROCESS, submitted - t.preprocessSentNanos);
    long exit = f.number("exit");
    byte[] stderr = f.bytes("stderr");
    if (exit != 0) {
      if (t.preprocessAttempt == 0 && !t.decision.fallbackPreprocessArgs().isEmpty()) {
        t.preprocessAttempt = 1;
        stats.preprocessFallbacks.incrementAndGet();
        t.preprocessSentNanos = stats.phases.now();
        stats.preprocessorRuns.incrementAndGet();
        return Future.succeededFuture(Directives.preprocess(t.id, argv(t.compiler, t.decision.fallbackPreprocessArgs()), quota.tryAcquire(pid, true)));
      }
      tasks.remove(t);
      return Future.succeededFuture(local(pid, LocalReason.PREPROCESS_FAILED, false));
    }
    byte[] source = f.bytes("stdout");
    if (t.decision.sourceTree()) {
      // The servant's compile prints the same preprocessor diagnostics itself, in their place.
      return submitTree(caller, t, source);
    }
    if (cfg.exactDiagnostics() && stderr.length > 0) {
      tasks.remove(t);
      return vertx.executeBlocking(t.treeRecipe::get, false).map(tree -> tree.isPresent() ? redoAsTree(t, tree.get())
          : local(pid, LocalReason.PREPROCESSOR_DIAGNOSTICS, Notes.diagnostic(stderr), false));
    }
    if (source.length < cfg.minRemoteSourceBytes()) {
      tasks.remove(t);
      return Future.succeededFuture(local(pid, LocalReason.SMALL_SOURCE, false));
    }
    stats.submitted.incrementAndGet();
    List<String> remoteArgs = t.preprocessAttempt == 0 ? t.decision.remoteArgs() : t.decision.fallbackRemoteArgs();
    t.directive = Promise.promise();
    vertx.executeBlocking(() -> {
          RemoteJob job = jobs.job(t, remoteArgs, source);
          stats.phases.since(PhaseTimes.Phase.KEY, submitted);
          return job;
        }, false)
        .compose(job -> job == null
            ? Future.succeededFuture(local(t.pid, LocalReason.BASE_FILE_MACRO, false))
            : jobs.fromCache(t, job).compose(hit -> hit.isPresent()
                ? Future.succeededFuture(hit.get())
                : runner.run(job, t.cancel))
                .compose(res -> {
                  recordManifest(t, job, res, source);
                  return outcome(t, res);
                }))
        .recover(err -> Future.succeededFuture(remoteFailure(t, err)))
        .onComplete(ar -> {
          stats.phases.since(PhaseTimes.Phase.SUBMIT_TO_RESULT, submitted);
          t.directive.tryComplete(ar.result());
        });
    return await(t);
  }

  /** A source tree: stdout is the dependency-only run's make rule; see {@link TreeFlow}. */
  private Future<Buffer> submitTree(PeerIdentity caller, LocalTask t, byte[] depRule) {
    t.directive = Promise.promise();
    trees.run(caller, t, depRule)
        .recover(err -> Future.succeededFuture(t.textRecipe != null && !t.cancel.isCancelled() && !clusterBusy(err)
            ? redoAsText(t, err) : remoteFailure(t, err)))
        .onComplete(ar -> t.directive.tryComplete(ar.result()));
    return await(t);
  }

  /** What this compile read, for direct mode next time: only clean results of the first recipe. */
  private void recordManifest(LocalTask t, RemoteJob job, RemoteResult res, byte[] source) {
    if (t.direct != null && !t.disallowCacheFill && job.cacheable() && t.preprocessAttempt == 0
        && CleanResult.clean(res.exitCode(), res.stderr().length == 0)) {
      direct.recorder().record(t.direct, t.createdAt, source, TaskKeyBuilder.cacheKey(job.taskDigest()), t.checkoutIndependent || t.baseDir.isEmpty());
    }
  }

  private Future<Buffer> outcome(LocalTask t, RemoteResult res) {
    LocalReason redo = CleanResult.redoLocally(res.exitCode(), res.stderr().length == 0, cfg.exactDiagnostics());
    if (t.decision.family() == dev.vxcc.daemon.args.CompilerFamily.GCC
        && dev.vxcc.daemon.MainFileAsHeader.seen(res.stderr(), t.decision.sourcePath())) {
      redo = LocalReason.MAIN_FILE_AS_HEADER;
    }
    if (redo != null) {
      // Only clean results are cached, so this result was compiled remotely: the next run repeats it.
      stats.repeated(switch (redo) {
        case COMPILE_ERROR -> RepeatReason.COMPILE_ERROR;
        case MAIN_FILE_AS_HEADER -> RepeatReason.MAIN_FILE_AS_HEADER;
        default -> RepeatReason.REMOTE_DIAGNOSTICS;
      });
      LocalReason why = redo;
      return vertx.executeBlocking(t.treeRecipe::get, false).map(tree -> tree.isPresent() ? redoAsTree(t, tree.get())
          : local(t.pid, why, Notes.diagnostic(res.stderr()), false));
    }
    if (RemoteResult.FROM_CACHE.equals(res.servant())) {
      stats.cacheHits.incrementAndGet();
    } else {
      stats.ranOn(res.servant());
    }
    long started = stats.phases.now();
    return vertx.executeBlocking(() -> {
      List<Directives.OutputFile> files = new ArrayList<>();
      String out = t.decision.outputPath().toString();
      String suffix = t.decision.outputSuffix();
      String base = out.endsWith(suffix) ? out.substring(0, out.length() - suffix.length()) : out;
      // All outputs together within one bound: objects with -g are large, but never unbounded.
      long left = cfg.servant().maxResultBytes();
      for (Map.Entry<String, byte[]> e : res.filesZstd().entrySet()) {
        String path = e.getKey().equals(suffix) ? out : base + e.getKey();
        byte[] data = Zstd.decompress(e.getValue(), left);
        left -= data.length;
        files.add(new Directives.OutputFile(path, data));
      }
      if (files.stream().noneMatch(x -> x.path().equals(out))) {
        throw new IllegalStateException("servant returned no " + suffix + " file");
      }
      Buffer directive = Directives.result(0, res.stdout(), res.stderr(), files, Notes.of(res));
      stats.phases.since(PhaseTimes.Phase.WRITE, started);
      return directive;
    }, false);
  }

  /**
   * A compile that printed on the preprocessed-text path runs again as a source tree, remotely,
   * whose stderr is the compiler's own (snippets, carets, no spurious warnings) and is cached; the
   * compile was remembered when its recipe was asked for, so next time it goes there at once. The wrapper first runs the tree's
   * dependency pass, under a new task.
   */
  private Buffer redoAsTree(LocalTask t, Decision.Remote tree) {
    stats.printingToTree.incrementAndGet();
    return preprocessAgain(t, tree);
  }

  /** Started when the first task did: a file that changed since then is never recorded as what the new recipe read. */
  private Buffer preprocessAgain(LocalTask t, Decision.Remote recipe) {
    LocalTask nt = t.followUp(tasks.newId(), recipe);
    tasks.add(nt);
    stats.preprocessorRuns.incrementAndGet();
    nt.preprocessSentNanos = stats.phases.now();
    return Directives.preprocess(nt.id, argv(t.compiler, recipe.preprocessArgs()), quota.tryAcquire(t.pid, true));
  }

  /**
   * A sourceTreeFirst compile that no servant took as a tree (none runs trees for this compiler, or
   * each declined: its system files differ) goes the preprocessed-text way instead of local.
   */
  private Buffer redoAsText(LocalTask t, Throwable err) {
    stats.treeToText.incrementAndGet();
    LOG.info("task {} ({}) goes as preprocessed text: {}", t.id, t.decision.sourcePath(), err.getMessage());
    if (err instanceof ServantSession.ServantFailure || err instanceof GrantKeeper.NoServantForCompiler) {
      // Not this file's doing (an unreadable or oversized file would be): the servants' system files, or no tree servant.
      routing.treeNotTaken(t.compilerDigest);
    }
    return preprocessAgain(t, t.textRecipe);
  }

  private static boolean clusterBusy(Throwable err) {
    return err instanceof ReplyException re && re.failureCode() == dev.vxcc.common.bus.FailureCodes.NO_QUOTA;
  }

  private Buffer remoteFailure(LocalTask t, Throwable err) {
    LocalReason reason;
    if (err instanceof GrantKeeper.NoServantForCompiler) {
      reason = LocalReason.NO_SERVANT_FOR_COMPILER;
    } else if (clusterBusy(err)) {
      reason = LocalReason.CLUSTER_BUSY;
    } else if (t.cancel.isCancelled()) {
      reason = LocalReason.CANCELLED;
    } else {
      stats.remoteFailed.incrementAndGet();
      reason = LocalReason.REMOTE_FAILED;
    }
    if (reason == LocalReason.REMOTE_FAILED) {
      stats.repeated(RepeatReason.REMOTE_FAILED);
    }
    LOG.info("task {} ({}) compiles locally ({}): {}", t.id, t.decision.sourcePath(), reason.code(), err.getMessage());
    return local(t.pid, reason, false);
  }

  /** Long-poll: the directive once known, or "pending" after the poll window. */
  Future<Buffer> await(LocalTask t) {
    Promise<Buffer> answer = Promise.promise();
    long timer = vertx.setTimer(DaemonConstants.LONG_POLL_MS, id -> answer.tryComplete(Directives.pending(t.id)));
    t.directive.future().onSuccess(b -> {
      if (answer.tryComplete(b)) {
        tasks.remove(t);
      }
      vertx.cancelTimer(timer);
    });
    return answer.future();
  }

  Future<Buffer> waitFor(PeerIdentity caller, Frames f) {
    LocalTask t = tasks.owned(caller, f.text("task"));
    if (t == null || t.directive == null) {
      return Future.succeededFuture(Directives.fail("unknown task " + f.text("task")));
    }
    return await(t);
  }
}
