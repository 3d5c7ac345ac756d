package dev.vxcc.daemon.local;

import static dev.vxcc.daemon.DaemonConstants.LONG_POLL_MS;
import static dev.vxcc.daemon.DaemonConstants.QUEUE_TIMEOUT_MS;
import static dev.vxcc.daemon.DaemonConstants.RPC_SLACK_MS;
import static dev.vxcc.daemon.DaemonConstants.SERVANT_CALL_TIMEOUT_MS;
import static dev.vxcc.daemon.DaemonConstants.WAIT_FAILURES_TOLERATED;
import static dev.vxcc.daemon.DaemonConstants.WAIT_RETRY_MS;

import com.google.protobuf.UnsafeByteOperations;
import dev.vxcc.api.v1.Blob;
import dev.vxcc.api.v1.FindMissingBlobsRequest;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.PutBlobsRequest;
import dev.vxcc.api.v1.TreeFile;
import dev.vxcc.daemon.DaemonConstants;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.ServantGrpcClient;
import dev.vxcc.api.v1.TaskRef;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import dev.vxcc.daemon.args.Decision;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One task's conversation with one servant under one grant: queue (or join) the task, long-poll
 * until it is done, free it there, and decode the result within bounds. A servant-side failure
 * puts the servant in the penalty box and fails with {@link ServantFailure}; a servant declining a
 * task it cannot run faithfully (its system headers differ) fails the same way but stays out of the
 * box: it is not broken, and its other tasks are fine.
 */
final class ServantSession {
  /** The servant side failed (not the compile): worth another servant. */
  static final class ServantFailure extends RuntimeException {
    private final boolean unreachable;

    ServantFailure(String message) {
      this(message, false);
    }

    ServantFailure(String message, boolean unreachable) {
      super(message, null, false, false);
      this.unreachable = unreachable;
    }

    /** We could not talk to the servant at all (refused, closed, silent), as opposed to it refusing the task. */
    boolean unreachable() {
      return unreachable;
    }
  }

  private final Vertx vertx;
  private final ServantGrpcClient client;
  private final String token;
  private final Grant grant;
  private final PenaltyBox penalties;
  private final long maxResultBytes;

  ServantSession(Vertx vertx, GrpcClient grpc, String token, Grant grant, PenaltyBox penalties, long maxResultBytes) {
    this.vertx = vertx;
    this.client = ServantGrpcClient.create(grpc, address(grant.location()));
    this.token = token;
    this.grant = grant;
    this.penalties = penalties;
    this.maxResultBytes = maxResultBytes;
  }

  static SocketAddress address(String location) {
    int colon = location.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("bad servant location " + location);
    }
    return SocketAddress.inetSocketAddress(Integer.parseInt(location.substring(colon + 1)), location.substring(0, colon));
  }

  /** Queues the job under our grant; the servant's task id. */
  Future<Long> queue(RemoteJob job) {
    if (job.tree() != null) {
      return upload(job.tree()).compose(v -> send(request(job, token, grant.grantId(), treeRequest(job.tree()))));
    }
    return send(request(job, token, grant.grantId(), QueueTaskRequest.newBuilder()));
  }

  private Future<Long> send(QueueTaskRequest req) {
    return client.queueTask(req)
        .timeout(QUEUE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(declinedStatus(err)
            ? new ServantFailure("servant " + grant.location() + " declined the task: " + err.getMessage())
            : penalise("queueing on " + grant.location() + " failed: " + err.getMessage(), transportFailure(err))))
        .map(resp -> resp.getTaskId());
  }

  private static QueueTaskRequest.Builder treeRequest(TreeInputs tree) {
    QueueTaskRequest.Builder b = QueueTaskRequest.newBuilder()
        .addAllTreeArgv(tree.argv())
        .setTreeCwd(tree.cwd())
        .addAllTreeOutputs(tree.outputs())
        .addAllTreeEnv(tree.locale());
    tree.files().forEach(f -> b.addTreeFiles(TreeFile.newBuilder().setPath(f.path()).setDigest(f.digest()).setExecutable(f.executable())));
    return b;
  }

  /**
   * Sends the files the servant's blob store lacks, in bounded batches: each crosses the network
   * once per servant. Files in the servant's system directories are compared there, never sent.
   */
  private Future<Void> upload(TreeInputs tree) {
    List<TreeInputs.Input> candidates = tree.files().stream()
        .filter(f -> !DaemonConstants.SOURCE_TREE_SYSTEM_DIRS.contains(Path.of(f.path()).getName(0).toString()))
        .toList();
    if (candidates.isEmpty()) {
      return Future.succeededFuture();
    }
    FindMissingBlobsRequest find = FindMissingBlobsRequest.newBuilder().setToken(token)
        .addAllDigests(candidates.stream().map(TreeInputs.Input::digest).distinct().toList()).build();
    return client.findMissingBlobs(find)
        .timeout(QUEUE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(penalise("blob lookup on " + grant.location() + " failed: " + err.getMessage(),
            transportFailure(err))))
        .compose(resp -> {
          java.util.Set<String> missing = new java.util.HashSet<>(resp.getMissingList());
          List<TreeInputs.Input> send = new ArrayList<>();
          for (TreeInputs.Input f : candidates) {
            if (missing.remove(f.digest())) {
              send.add(f);
            }
          }
          return putBatches(send, 0);
        });
  }

  private Future<Void> putBatches(List<TreeInputs.Input> send, int from) {
    if (from >= send.size()) {
      return Future.succeededFuture();
    }
    int[] next = {from};
    return vertx.executeBlocking(() -> {
      PutBlobsRequest.Builder b = PutBlobsRequest.newBuilder().setToken(token);
      long bytes = 0;
      while (next[0] < send.size() && (b.getBlobsCount() == 0 || bytes + send.get(next[0]).size() <= DaemonConstants.SOURCE_TREE_UPLOAD_BATCH_BYTES)) {
        TreeInputs.Input f = send.get(next[0]++);
        byte[] data = TreeInputs.contents(f);
        bytes += data.length;
        b.addBlobs(Blob.newBuilder().setDigest(f.digest()).setDataZstd(UnsafeByteOperations.unsafeWrap(Zstd.compress(data))));
      }
      return b.build();
    }, false).compose(req -> client.putBlobs(req)
        .timeout(QUEUE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(penalise("blob upload to " + grant.location() + " failed: " + err.getMessage(),
            transportFailure(err)))))
        .compose(ack -> putBatches(send, next[0]));
  }

  /**
   * The task as a servant receives it, over gRPC or in place (token "" and grant 0); {@code builder}
   * carries a source tree's fields, if any.
   */
  static QueueTaskRequest request(RemoteJob job, String token, long grantId, QueueTaskRequest.Builder builder) {
    return builder
        .setToken(token)
        .setGrantId(grantId)
        .setCompilerDigest(job.compilerDigest())
        .setSourcePath(job.sourcePath())
        .addAllArgs(job.args())
        // Wrapped, not copied: up to hundreds of MiB, on the event loop, and never written after the job is built.
        .setSourceZstd(UnsafeByteOperations.unsafeWrap(job.sourceZstd()))
        .setTaskDigest(job.taskDigest())
        .setDisallowCacheFill(job.disallowCacheFill() || !job.cacheable())
        .setOutputSuffix(job.outputSuffix())
        .setProtocolVersion(DaemonConfig.PROTOCOL_VERSION)
        // vxcc-gdebug
        .setInputMode(switch (job.inputMode()) {
          case FILE_AS_SOURCE -> InputMode.INPUT_MODE_FILE_AS_SOURCE;
          case SOURCE_TREE -> InputMode.INPUT_MODE_SOURCE_TREE;
          case STDIN -> InputMode.INPUT_MODE_STDIN;
        })
        .setInputPath(job.inputPath())
        .setClientCwd(job.clientCwd())
        .setSourceDateEpoch(job.sourceDateEpoch())
        .setKeyBaseDir(job.keyBaseDir())
        .setKeyCompilerPrefix(job.keyCompilerPrefix())
        .setCompilerFamily(TaskKeyBuilder.toWire(job.keyFamily()))
        .addAllSideOutputSuffixes(job.keySideOutputs())
        .build();
  }

  /** Joins a task another delegate queued: the servant keeps it until every referrer freed it. */
  Future<Void> reference(long taskId) {
    return client.referenceTask(ref(taskId)).timeout(SERVANT_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  /** Long-polls until the task is done, then frees it on the servant whatever happened. */
  Future<WaitTaskResponse> await(long taskId, Cancellation cancel) {
    return waitLoop(taskId, cancel, 0)
        .eventually(() -> client.freeTask(ref(taskId)).timeout(SERVANT_CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).otherwiseEmpty());
  }

  private TaskRef ref(long taskId) {
    return TaskRef.newBuilder().setToken(token).setTaskId(taskId).build();
  }

  private Future<WaitTaskResponse> waitLoop(long taskId, Cancellation cancel, int failures) {
    if (cancel.isCancelled()) {
      return Future.failedFuture(new IllegalStateException("cancelled: " + cancel.reason()));
    }
    WaitTaskRequest req = WaitTaskRequest.newBuilder().setToken(token).setTaskId(taskId).setWaitMs((int) LONG_POLL_MS).build();
    Future<WaitTaskResponse> poll = client.waitTask(req).timeout(LONG_POLL_MS + RPC_SLACK_MS, TimeUnit.MILLISECONDS);
    // A cancellation must not wait for the servant's long-poll to end.
    Promise<WaitTaskResponse> next = Promise.promise();
    poll.onComplete(ar -> {
      if (ar.succeeded()) {
        next.tryComplete(ar.result());
      } else {
        next.tryFail(ar.cause());
      }
    });
    cancel.future().onSuccess(r -> next.tryFail(new IllegalStateException("cancelled: " + r)));
    return next.future().transform(ar -> {
      if (ar.failed()) {
        if (cancel.isCancelled()) {
          return Future.failedFuture(ar.cause());
        }
        if (failures + 1 >= WAIT_FAILURES_TOLERATED) {
          return Future.failedFuture(penalise("servant " + grant.location() + " stopped answering: " + ar.cause().getMessage(),
              transportFailure(ar.cause())));
        }
        Promise<WaitTaskResponse> later = Promise.promise();
        vertx.setTimer(WAIT_RETRY_MS, t -> waitLoop(taskId, cancel, failures + 1).onComplete(later));
        return later.future();
      }
      WaitTaskResponse r = ar.result();
      if (r.getStatus() == TaskStatus.TASK_STATUS_RUNNING) {
        return waitLoop(taskId, cancel, 0);
      }
      if (r.getStatus() != TaskStatus.TASK_STATUS_DONE) {
        return Future.failedFuture(penalise("servant " + grant.location() + " lost task " + taskId));
      }
      if (r.getExitCode() < 0) {
        String why = new String(Zstd.decompress(r.getStderrZstd().toByteArray(), maxResultBytes), StandardCharsets.UTF_8).trim();
        if (r.getExitCode() == DaemonConstants.TASK_EXIT_DECLINED) {
          return Future.failedFuture(new ServantFailure("servant " + grant.location() + " declined the task: " + why));
        }
        return Future.failedFuture(penalise("servant " + grant.location() + ": " + why));
      }
      return Future.succeededFuture(r);
    });
  }

  private ServantFailure penalise(String why) {
    return penalise(why, false);
  }

  private ServantFailure penalise(String why, boolean unreachable) {
    penalties.penalise(grant.location());
    return new ServantFailure(why, unreachable);
  }

  /**
   * Whether the call never reached a servant that answers: a refused or dropped connection, or no
   * answer in time. A gRPC status is an answer, so a servant refusing the task is not unreachable.
   */
  static boolean transportFailure(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException || t instanceof HttpClosedException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The servant answered that it cannot run this task faithfully, as opposed to failing. */
  static boolean declinedStatus(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InvalidStatusException s && s.actualStatus() == GrpcStatus.FAILED_PRECONDITION
          || t instanceof GrpcErrorException g && g.status() == GrpcStatus.FAILED_PRECONDITION) {
        return true;
      }
    }
    return false;
  }

  /** Off the event loop: outputs are copied and streams decompressed, within bounds. */
  Future<RemoteResult> decode(WaitTaskResponse r) {
    return vertx.executeBlocking(() -> toResult(r, grant.location(), maxResultBytes), false);
  }

  /** Bounded: a servant must not be able to inflate our heap with a small frame. */
  static RemoteResult toResult(WaitTaskResponse r, String location, long max) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (OutputFile f : r.getFilesList()) {
      files.put(f.getSuffix(), f.getDataZstd().toByteArray());
    }
    return new RemoteResult(r.getExitCode(), Zstd.decompress(r.getStdoutZstd().toByteArray(), max),
        Zstd.decompress(r.getStderrZstd().toByteArray(), max), files, location);
  }
}
