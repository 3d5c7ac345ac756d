package dev.vxcc.daemon.servant;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.Ack;
import dev.vxcc.api.v1.Blob;
import dev.vxcc.api.v1.FindMissingBlobsRequest;
import dev.vxcc.api.v1.FindMissingBlobsResponse;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.PutBlobsRequest;
import dev.vxcc.common.util.Zstd;
import java.util.List;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.QueueTaskResponse;
import dev.vxcc.api.v1.ServantService;
import dev.vxcc.api.v1.TaskRef;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** gRPC face of the execution engine: checks, then translates. */
final class ServantEndpoint extends ServantService {
  private final Vertx vertx;
  private final ExecutionEngine engine;
  private final Function<String, Optional<Path>> compilers;
  private final Supplier<Set<String>> acceptableTokens;
  private BlobStore blobs;
  private long maxBlobBytes;

  /** @param compilers the local compiler with a digest, as {@link CompilerRegistry#pathOf} */
  ServantEndpoint(Vertx vertx, ExecutionEngine engine, Function<String, Optional<Path>> compilers,
                  Supplier<Set<String>> acceptableTokens) {
    this.vertx = vertx;
    this.engine = engine;
    this.compilers = compilers;
    this.acceptableTokens = acceptableTokens;
  }

  /** Accepts blobs for source-tree tasks; each at most maxBlobBytes once decompressed. */
  ServantEndpoint withBlobs(BlobStore blobs, long maxBlobBytes) {
    this.blobs = blobs;
    this.maxBlobBytes = maxBlobBytes;
    return this;
  }

  private Optional<StatusException> denied(String token) {
    // Until the first heartbeat answer we know no token at all, so everything is refused.
    return acceptableTokens.get().contains(token)
        ? Optional.empty()
        : Optional.of(new StatusException(GrpcStatus.PERMISSION_DENIED, "invalid token"));
  }

  @Override
  public Future<QueueTaskResponse> queueTask(QueueTaskRequest req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    // Checked first, so that every message below may safely quote the request.
    Optional<String> refused = TaskCheck.problem(req);
    if (refused.isPresent()) {
      return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, refused.get()));
    }
    Optional<Path> compiler = compilers.apply(req.getCompilerDigest());
    if (compiler.isEmpty()) {
      return Future.failedFuture(new StatusException(GrpcStatus.FAILED_PRECONDITION, "no compiler with digest " + req.getCompilerDigest()));
    }
    return copy(req.getSourceZstd())
        .compose(source -> engine.queue(job(req, compiler.get(), source)))
        .recover(err -> Future.failedFuture(switch (err) {
          case ExecutionEngine.Overloaded o -> new StatusException(GrpcStatus.RESOURCE_EXHAUSTED, o.getMessage());
          case ExecutionEngine.BadTask b -> new StatusException(GrpcStatus.INVALID_ARGUMENT, b.getMessage());
          case ExecutionEngine.Unable u -> new StatusException(GrpcStatus.FAILED_PRECONDITION, u.getMessage());
          // Anything else may name our paths; the engine logged it.
          default -> new StatusException(GrpcStatus.INTERNAL, "servant could not start the compiler");
        }))
        .map(id -> QueueTaskResponse.newBuilder().setTaskId(id).build());
  }

  private static ServantJob job(QueueTaskRequest req, Path compiler, byte[] sourceZstd) {
    String suffix = req.getOutputSuffix().isEmpty() ? ".o" : req.getOutputSuffix();
    ServantJob.FileInput fileInput = req.getInputMode() == InputMode.INPUT_MODE_FILE_AS_SOURCE
        ? new ServantJob.FileInput(req.getInputPath(), req.getClientCwd()) : null;
    TreeTask tree = req.getInputMode() == InputMode.INPUT_MODE_SOURCE_TREE ? TaskCheck.tree(req) : null;
    return new ServantJob(compiler, req.getCompilerDigest(), req.getArgsList(),
        sourceZstd, req.getGrantId(), req.getTaskDigest(), suffix, req.getDisallowCacheFill(), fileInput,
        req.getSourceDateEpoch(), req.getSourcePath(), req.getKeyBaseDir(), req.getKeyCompilerPrefix(),
        TaskKeyBuilder.fromWire(req.getCompilerFamily()), req.getSideOutputSuffixesList(), tree);
  }

  /**
   * A task of this node's own delegate (same process, so no token): the same checks as
   * {@link #queueTask}, admitted by the delegate's quota, run to its end and then freed.
   */
  public Future<WaitTaskResponse> runInPlace(QueueTaskRequest req, Future<Void> cancelled) {
    Optional<String> refused = TaskCheck.problem(req);
    if (refused.isPresent()) {
      return Future.failedFuture(new IllegalArgumentException(refused.get()));
    }
    Optional<Path> compiler = compilers.apply(req.getCompilerDigest());
    if (compiler.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("no compiler with digest " + req.getCompilerDigest()));
    }
    return copy(req.getSourceZstd())
        .compose(source -> engine.queueInPlace(job(req, compiler.get(), source)))
        .compose(id -> {
          cancelled.onComplete(x -> engine.free(id));
          return untilDone(id).eventually(() -> {
            engine.free(id);
            return Future.succeededFuture();
          });
        });
  }

  private Future<WaitTaskResponse> untilDone(long id) {
    return engine.await(id, DaemonConstants.LONG_POLL_MS)
        .compose(r -> r.getStatus() == TaskStatus.TASK_STATUS_RUNNING ? untilDone(id) : Future.succeededFuture(r));
  }

  /** A source may be as big as a gRPC message (hundreds of MiB): copying that would stall the event loop. */
  private Future<byte[]> copy(ByteString source) {
    return source.size() <= DaemonConstants.SERVANT_COPY_ON_LOOP_MAX_BYTES
        ? Future.succeededFuture(source.toByteArray())
        : vertx.executeBlocking(source::toByteArray, false);
  }

  @Override
  public Future<FindMissingBlobsResponse> findMissingBlobs(FindMissingBlobsRequest req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    if (blobs == null) {
      return Future.failedFuture(new StatusException(GrpcStatus.UNIMPLEMENTED, "this servant does not run source-tree tasks"));
    }
    if (req.getDigestsCount() > TreeCheck.MAX_FILES || !req.getDigestsList().stream().allMatch(BlobStore::isDigest)) {
      return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT,
          "digests must be at most " + TreeCheck.MAX_FILES + " SHA-256 digests in lowercase hex"));
    }
    List<String> asked = req.getDigestsList();
    return vertx.executeBlocking(() -> FindMissingBlobsResponse.newBuilder().addAllMissing(blobs.missing(asked)).build(), false);
  }

  @Override
  public Future<Ack> putBlobs(PutBlobsRequest req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    if (blobs == null) {
      return Future.failedFuture(new StatusException(GrpcStatus.UNIMPLEMENTED, "this servant does not run source-tree tasks"));
    }
    List<Blob> list = req.getBlobsList();
    return vertx.executeBlocking(() -> {
      for (Blob b : list) {
        byte[] data;
        try {
          data = Zstd.decompress(b.getDataZstd().toByteArray(), maxBlobBytes);
        } catch (IllegalArgumentException e) {
          throw new StatusException(GrpcStatus.INVALID_ARGUMENT, "blob " + b.getDigest() + ": " + e.getMessage());
        }
        if (!blobs.put(b.getDigest(), data)) {
          throw new StatusException(GrpcStatus.INVALID_ARGUMENT, "blob does not have its digest " + b.getDigest());
        }
      }
      return Ack.getDefaultInstance();
    }, false).recover(err -> Future.failedFuture(err instanceof StatusException ? err
        : new StatusException(GrpcStatus.INTERNAL, "servant could not store the blobs")));
  }

  @Override
  public Future<WaitTaskResponse> waitTask(WaitTaskRequest req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    return engine.await(req.getTaskId(), Math.min(DaemonConstants.SERVANT_MAX_WAIT_MS, req.getWaitMs()));
  }

  @Override
  public Future<Ack> referenceTask(TaskRef req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    return engine.reference(req.getTaskId())
        ? Future.succeededFuture(Ack.getDefaultInstance())
        : Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "no task " + req.getTaskId()));
  }

  @Override
  public Future<Ack> freeTask(TaskRef req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    engine.free(req.getTaskId());
    return Future.succeededFuture(Ack.getDefaultInstance());
  }
}
