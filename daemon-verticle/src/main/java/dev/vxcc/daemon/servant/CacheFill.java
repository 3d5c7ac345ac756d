package dev.vxcc.daemon.servant;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.CompileResult;
import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.PhaseTimes;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.identity.TaskKey;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the shared cache from this servant's clean results. Only servants write, and each result
 * goes under the key of what was actually compiled, built by the delegate's own key builder from
 * our copy of the source and arguments: on any disagreement with the key the delegate claimed,
 * nothing is stored, so no client can plant an object under a key it did not compile.
 */
final class CacheFill {
  private static final Logger LOG = LoggerFactory.getLogger(CacheFill.class);

  private final WorkerExecutor pool;
  private final ResultCache cache;
  private final PhaseTimes phases;
  private final List<String> sandboxPrefix;
  private final long maxSourceBytes;
  /** Source-tree results, once the servant runs them at all (set up after this). */
  private final Supplier<TreeResults> trees;
  private final AtomicLong keyMismatches = new AtomicLong();

  CacheFill(Vertx vertx, ResultCache cache, PhaseTimes phases, List<String> sandboxPrefix, long maxSourceBytes,
      Supplier<TreeResults> trees) {
    this.pool = vertx.createSharedWorkerExecutor(DaemonConstants.CACHE_FILL_POOL, DaemonConstants.CACHE_FILL_THREADS);
    this.cache = cache;
    this.phases = phases;
    this.sandboxPrefix = List.copyOf(sandboxPrefix);
    this.maxSourceBytes = maxSourceBytes;
    this.trees = trees;
  }

  Future<Void> close() {
    return pool.close();
  }

  /** Clean results not stored because the delegate's key and ours disagreed. */
  long keyMismatches() {
    return keyMismatches.get();
  }

  /** The engine's clean-result hook: keys (blocking: it may expand macros) off the loop, then puts. */
  void store(ServantJob job, byte[] source, WaitTaskResponse result) {
    long started = phases.now();
    if (job.tree() != null) {
      TreeResults t = trees.get();
      pool.executeBlocking(() -> t == null ? null : t.entry(job, result).orElse(null), false)
          .onSuccess(e -> {
            phases.since(PhaseTimes.Phase.STORE, started);
            if (e != null) {
              cache.put(e.getKey(), e.getValue());
            } else {
              LOG.info("source tree {} ({}) not cached: a file it read names a clock macro, or is gone", job.taskDigest(), job.sourcePath());
            }
          })
          .onFailure(e -> LOG.info("source tree {} ({}) not cached: {}", job.taskDigest(), job.sourcePath(), e.toString()));
      return;
    }
    pool.executeBlocking(() -> entry(job, source, result), false)
        .onSuccess(e -> {
          phases.since(PhaseTimes.Phase.STORE, started);
          if (e != null) {
            cache.put(e.getKey(), e.getValue());
          }
        })
        .onFailure(e -> LOG.debug("not cached: {}", e.toString()));
  }

  /** Blocking: the cache entry for a preprocessed-text result, or null when the keys disagree. */
  private Map.Entry<String, byte[]> entry(ServantJob job, byte[] source, WaitTaskResponse result) {
    TaskKeyBuilder.StoreVerdict verdict = storeKey(job, source, result.getFilesList(),
        () -> dev.vxcc.daemon.identity.Expansion.run(sandboxPrefix, job.compiler(), job.args(), source, maxSourceBytes));
    if (!verdict.store()) {
      keyMismatches.incrementAndGet();
      LOG.info("task {} ({}) not cached: {}", job.taskDigest(), job.sourcePath(), verdict.mismatch());
      return null;
    }
    CompileResult entry = CompileResult.newBuilder()
        .setExitCode(result.getExitCode())
        .setStdout(ByteString.copyFrom(Zstd.decompress(result.getStdoutZstd().toByteArray())))
        .addAllFiles(result.getFilesList())
        .build();
    return Map.entry(verdict.cacheKey(), entry.toByteArray());
  }

  /**
   * The key of what the job compiled, through the delegate's own builder: our copy of the source
   * and arguments, the epoch we ran with, the side outputs we wrote, and from the delegate only the
   * family and roots, which we check as far as we can.
   */
  static TaskKeyBuilder.StoreVerdict storeKey(ServantJob job, byte[] source, List<OutputFile> files,
      TaskKey.Expander expander) {
    ServantJob.FileInput in = job.fileInput();
    TaskKeyBuilder.Request compiled = new TaskKeyBuilder.Request(job.compilerDigest(),
        job.keyCompilerPrefix().isEmpty() ? null : Path.of(job.keyCompilerPrefix()), job.args(), job.outputSuffix(), source,
        job.sourcePath(), job.keyFamily(), job.keySideOutputs(), job.keyBaseDir(),
        in == null ? null : new TaskKeyBuilder.FileInput(in.path(), in.clientCwd()), job.sourceDateEpoch(), expander);
    List<String> produced = files.stream().map(OutputFile::getSuffix).filter(x -> !x.equals(job.outputSuffix())).toList();
    return TaskKeyBuilder.forStore(compiled, job.taskDigest(),
        CompilerFamily.detect(job.compiler().getFileName().toString(), job.compiler()), produced);
  }
}
