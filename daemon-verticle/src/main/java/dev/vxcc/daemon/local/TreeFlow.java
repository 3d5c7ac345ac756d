package dev.vxcc.daemon.local;

import dev.vxcc.api.v1.CompileResult;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.args.CacheMissReason;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.identity.TreeKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source-tree compile on the delegate, after the wrapper's dependency-only run: read and hash
 * the files it listed (with the caller's permissions), answer from the shared cache when this
 * exact compile is stored there, else run it on a servant; then record a direct-mode manifest.
 * Results carry the compiler's own stderr, so one that printed warnings is cached and replayed.
 */
final class TreeFlow {
  private static final Logger LOG = LoggerFactory.getLogger(TreeFlow.class);

  private final Vertx vertx;
  private final DaemonConfig cfg;
  private final DistributedTaskRunner runner;
  private final DelegateStats stats;
  private final FileDigestCache digests;
  private final ResultCache cache;
  private final DirectMode direct;

  TreeFlow(Vertx vertx, DaemonConfig cfg, DistributedTaskRunner runner, DelegateStats stats, FileDigestCache digests,
      ResultCache cache, DirectMode direct) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.runner = runner;
    this.stats = stats;
    this.digests = digests;
    this.cache = cache;
    this.direct = direct;
  }

  /** The wrapper's directive; fails when the remote side failed (the caller falls back to local). */
  Future<Buffer> run(PeerIdentity caller, LocalTask t, byte[] depRule) {
    stats.submitted.incrementAndGet();
    stats.sourceTree.incrementAndGet();
    return vertx.executeBlocking(() -> TreeInputs.read(t.decision, depRule, FileAccess.of(caller), digests,
            DaemonConstants.SERVANT_MAX_BLOB_BYTES, t.compilerDigest, t.sourceDateEpoch, t.locale), false)
        .compose(tree -> fromCache(t, tree)
            .compose(hit -> hit.isPresent() ? Future.succeededFuture(hit.get()) : runner.run(job(t, tree), t.cancel))
            .compose(res -> {
              record(t, tree, res);
              return outcome(t, res);
            }));
  }

  private static RemoteJob job(LocalTask t, TreeInputs tree) {
    return new RemoteJob(t.compilerDigest, List.of(), new byte[0], tree.key(), t.decision.sourcePath(), t.decision.outputSuffix(),
        t.disallowCacheFill, Decision.InputMode.SOURCE_TREE, "", "", t.sourceDateEpoch, true, "", "", t.decision.family(),
        List.of(), tree);
  }

  private Future<Optional<RemoteResult>> fromCache(LocalTask t, TreeInputs tree) {
    if (!t.cacheRead) {
      stats.cacheMiss(CacheMissReason.NOT_READ);
      return Future.succeededFuture(Optional.empty());
    }
    return cache.get(TreeKey.cacheKey(tree.key()))
        .compose(entry -> {
          if (entry.isEmpty()) {
            stats.cacheMiss(CacheMissReason.NO_ENTRY);
            return Future.succeededFuture(Optional.<RemoteResult>empty());
          }
          return vertx.executeBlocking(() -> Optional.of(decode(entry.get())), false);
        })
        .otherwise(err -> {
          LOG.info("ignoring an unreadable cache entry for {}: {}", t.decision.sourcePath(), err.getMessage());
          stats.cacheMiss(CacheMissReason.UNREADABLE_ENTRY);
          return Optional.empty();
        });
  }

  static RemoteResult decode(byte[] entry) throws com.google.protobuf.InvalidProtocolBufferException {
    CompileResult r = CompileResult.parseFrom(entry);
    Map<String, byte[]> files = new LinkedHashMap<>();
    r.getFilesList().forEach(f -> files.put(f.getSuffix(), f.getDataZstd().toByteArray()));
    return new RemoteResult(r.getExitCode(), r.getStdout().toByteArray(), r.getStderr().toByteArray(), files, RemoteResult.FROM_CACHE);
  }

  /** A successful compile's inputs, for direct mode next time: the result is stored under the tree key (if repeatable). */
  private void record(LocalTask t, TreeInputs tree, RemoteResult res) {
    if (t.direct != null && !t.disallowCacheFill && res.exitCode() == 0) {
      Path main = Path.of(t.decision.clientCwd()).resolve(t.decision.sourcePath()).normalize();
      direct.recorder().recordTree(t.direct, t.createdAt, main, tree.files().stream().map(f -> Path.of(f.path())).toList(),
          TreeKey.cacheKey(tree.key()));
    }
  }

  /** The compiler's own answer, errors and warnings included: it saw the user's files at the user's paths. */
  private Future<Buffer> outcome(LocalTask t, RemoteResult res) {
    if (RemoteResult.FROM_CACHE.equals(res.servant())) {
      stats.cacheHits.incrementAndGet();
    } else {
      stats.ranOn(res.servant());
    }
    return vertx.executeBlocking(() -> {
      List<Directives.OutputFile> files = new ArrayList<>();
      long left = cfg.servant().maxResultBytes();
      for (Map.Entry<String, byte[]> e : res.filesZstd().entrySet()) {
        if (!t.decision.extraOutputs().contains(e.getKey())) {
          throw new IllegalStateException("servant returned a file that was not asked for: " + e.getKey());
        }
        byte[] data = Zstd.decompress(e.getValue(), left);
        left -= data.length;
        files.add(new Directives.OutputFile(e.getKey(), data));
      }
      String out = t.decision.outputPath().toString();
      if (res.exitCode() == 0 && files.stream().noneMatch(x -> x.path().equals(out))) {
        throw new IllegalStateException("servant returned no " + t.decision.outputSuffix() + " file");
      }
      return Directives.result(res.exitCode(), res.stdout(), res.stderr(), files, Notes.of(res));
    }, false);
  }
}
