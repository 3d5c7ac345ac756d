package dev.vxcc.daemon.local;

import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.PhaseTimes;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.args.CacheMissReason;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.identity.CompilerIdentity;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A preprocessed-text task's key and payload, and its answer from the shared cache: the key is
 * everything that decides the object (compiler, arguments in order, preprocessed source), with
 * checkout and compiler prefixes replaced where the object provably cannot show them.
 */
final class TextJobs {
  private static final Logger LOG = LoggerFactory.getLogger(TextJobs.class);

  private final Vertx vertx;
  private final CompilerIdentity identities;
  private final ResultCache cache;
  private final DelegateStats stats;

  TextJobs(Vertx vertx, CompilerIdentity identities, ResultCache cache, DelegateStats stats) {
    this.vertx = vertx;
    this.identities = identities;
    this.cache = cache;
    this.stats = stats;
  }

  /** Worker: digest and compress; null when the source cannot be compiled remotely. */
  RemoteJob job(LocalTask t, List<String> remoteArgs, byte[] source) {
    String baseDir = t.baseDir;
    Path prefix = null;
    if (!baseDir.isEmpty()) {
      try {
        prefix = identities.of(t.compiler).prefix();
      } catch (java.io.IOException e) {
        // The compiler changed since compile(): its paths simply stay in the key.
      }
    }
    boolean firstRecipe = t.preprocessAttempt == 0;
    TaskKeyBuilder.Request key = TaskKeyBuilder.delegateRequest(t.decision, firstRecipe, t.compilerDigest, prefix, source, baseDir,
        t.sourceDateEpoch, () -> dev.vxcc.daemon.identity.Expansion.run(t.compiler, remoteArgs, source));
    if (!(TaskKeyBuilder.build(key) instanceof TaskKeyBuilder.Keyed k)) {
      return null;
    }
    t.checkoutIndependent = k.checkoutIndependent();
    TaskKeyBuilder.FileInput in = key.fileInput();
    return new RemoteJob(t.compilerDigest, remoteArgs, Zstd.compress(source), k.taskDigest(), t.decision.sourcePath(),
        t.decision.outputSuffix(), t.disallowCacheFill,
        in != null ? Decision.InputMode.FILE_AS_SOURCE : Decision.InputMode.STDIN,
        in != null ? in.path() : "", in != null ? in.clientCwd() : "", k.sourceDateEpoch(), k.cacheable(),
        baseDir, prefix == null ? "" : prefix.toString(), key.family(), key.sideOutputs());
  }

  /** A cached result for this task, unless the wrapper's environment said not to read the cache. */
  Future<Optional<RemoteResult>> fromCache(LocalTask t, RemoteJob job) {
    if (!t.cacheRead || !job.cacheable()) {
      return Future.succeededFuture(miss(t, t.cacheRead ? CacheMissReason.READS_CLOCK : CacheMissReason.NOT_READ));
    }
    long started = stats.phases.now();
    return cache.get(TaskKeyBuilder.cacheKey(job.taskDigest()))
        .onComplete(ar -> stats.phases.since(PhaseTimes.Phase.CACHE_LOOKUP, started))
        .compose(entry -> entry.isEmpty() ? Future.succeededFuture(miss(t, CacheMissReason.NO_ENTRY))
            : vertx.executeBlocking(() -> Optional.of(TreeFlow.decode(entry.get())), false))
        .otherwise(err -> {
          LOG.info("ignoring an unreadable cache entry for {}: {}", t.decision.sourcePath(), err.getMessage());
          return miss(t, CacheMissReason.UNREADABLE_ENTRY);
        });
  }

  private Optional<RemoteResult> miss(LocalTask t, CacheMissReason why) {
    stats.cacheMiss(why);
    LOG.debug("task {} ({}): cache miss ({})", t.id, t.decision.sourcePath(), why.code());
    return Optional.empty();
  }
}
