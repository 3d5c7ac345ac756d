package dev.vxcc.daemon.local;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.ServantGrpcClient;
import dev.vxcc.api.v1.TaskRef;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.JsonBody;
import dev.vxcc.common.bus.KeepAliveReply;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.args.Decision;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task on the cluster: grant, queue on the servant, long-poll, free; retries on another
 * servant when ours fails. Keeps every held grant alive at the scheduler with one batched call.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  static final long WAIT_POLL_MS = 10_000;
  static final long RPC_SLACK_MS = 5_000;
  static final int WAIT_FAILURES_TOLERATED = 4;
  static final long KEEP_ALIVE_LEASE_MS = 10_000;
  static final long LEASE_LOST_AFTER_MS = 60_000;
  /** A servant that failed us is avoided this long, which covers its lease running out at the scheduler. */
  static final long PENALTY_MS = 15_000;

  /** The servant side failed (not the compile): worth another servant. */
  static final class ServantFailure extends RuntimeException {
    ServantFailure(String message) {
      super(message, null, false, false);
    }
  }

  private record Held(Cancellation cancel, long[] lastRenewed) {}

  private final Vertx vertx;
  private final DaemonConfig cfg;
  private final GrpcClient grpc;
  private final DelegateStats stats;
  private final Map<String, GrantKeeper> keepers = new HashMap<>();
  private final Map<Long, Held> held = new LinkedHashMap<>();
  private final Map<String, Long> penalised = new HashMap<>();
  private final SharedTasks shared = new SharedTasks();
  /** Task digest → where it runs now, from the scheduler's view; null when unknown. */
  private final Function<String, RunningTask> runningTasks;

  /** The serving token from the scheduler's view, for delegates that hold no grant yet. */
  private final Supplier<String> viewToken;
  /**
   * Drawn per process and shown only to the scheduler: with our token it proves the grants are ours, so
   * that another holder of the same user token can neither keep them alive nor free them.
   */
  private final String requestorId = newRequestorId();
  private final long leaseLostAfterMs;

  Dispatcher(Vertx vertx, DaemonConfig cfg, GrpcClient grpc, DelegateStats stats, Function<String, RunningTask> runningTasks,
      Supplier<String> viewToken, long leaseLostAfterMs) {
    this.leaseLostAfterMs = leaseLostAfterMs;
    this.vertx = vertx;
    this.cfg = cfg;
    this.grpc = grpc;
    this.stats = stats;
    this.runningTasks = runningTasks;
    this.viewToken = viewToken;
  }

  private GrantKeeper keeper(String digest) {
    return keepers.computeIfAbsent(digest, d -> new GrantKeeper(vertx, cfg.token(), requestorId, cfg.host(), d));
  }

  Future<RemoteResult> run(RemoteJob job, Cancellation cancel) {
    return shared.run(job.taskDigest(), cancel, c -> attachOrDispatch(job, c), stats.sharedLocal::incrementAndGet);
  }

  /** The same task already running on some servant is joined instead of compiled again. */
  private Future<RemoteResult> attachOrDispatch(RemoteJob job, Cancellation cancel) {
    RunningTask running = runningTasks.apply(job.taskDigest());
    String token = servingToken();
    if (running == null || token.isEmpty() || isPenalised(running.servantLocation())) {
      return attempt(job, cancel, 0);
    }
    return attach(running, token, cancel).recover(err -> {
      if (cancel.isCancelled()) {
        return Future.failedFuture(err);
      }
      LOG.debug("could not join task {} on {}: {}", running.servantTaskId(), running.servantLocation(), err.getMessage());
      return attempt(job, cancel, 0);
    });
  }

  /**
   * Joins a task another delegate started: add a reference on its servant, keep its grant alive
   * while waiting (its submitter may die meanwhile), and free the grant once the task is done.
   */
  private Future<RemoteResult> attach(RunningTask running, String token, Cancellation cancel) {
    Grant grant = new Grant(running.grantId(), "", running.servantLocation());
    ServantGrpcClient client = ServantGrpcClient.create(grpc, address(running.servantLocation()));
    TaskRef ref = TaskRef.newBuilder().setToken(token).setTaskId(running.servantTaskId()).build();
    return client.referenceTask(ref)
        .timeout(5_000, TimeUnit.MILLISECONDS)
        .compose(ack -> {
          stats.sharedRemote.incrementAndGet();
          held.put(grant.grantId(), new Held(cancel, new long[] {System.currentTimeMillis()}));
          return waitLoop(client, token, running.servantTaskId(), cancel, grant, 0)
              .eventually(() -> client.freeTask(ref).timeout(5_000, TimeUnit.MILLISECONDS).otherwiseEmpty())
              .eventually(() -> {
                held.remove(grant.grantId());
                return Future.succeededFuture();
              });
        })
        .map(r -> {
          // Done: nobody needs the slot any more, whether or not its first owner is still alive.
          freeGrant(grant.grantId());
          return toResult(r, grant);
        });
  }

  private String servingToken() {
    return keepers.values().stream().map(GrantKeeper::servingToken).filter(t -> !t.isEmpty()).findFirst().orElseGet(viewToken);
  }

  private boolean isPenalised(String location) {
    Long until = penalised.get(location);
    return until != null && until > System.currentTimeMillis();
  }

  private void freeGrant(long grantId) {
    vertx.eventBus().request(Addresses.SCHEDULER_FREE, new dev.vxcc.common.bus.FreeRequest(cfg.token(), List.of(grantId), requestorId).toJson(),
        new DeliveryOptions().setSendTimeout(5_000))
        .onFailure(e -> LOG.debug("freeing grant {} failed: {}", grantId, e.getMessage()));
  }

  private Future<RemoteResult> attempt(RemoteJob job, Cancellation cancel, int attempt) {
    if (cancel.isCancelled()) {
      return Future.failedFuture(new IllegalStateException("cancelled: " + cancel.reason()));
    }
    return usableGrant(job.compilerDigest(), 3)
        .compose(grant -> onGrant(grant, job, cancel))
        .recover(err -> {
          if (err instanceof ServantFailure && attempt < cfg.retries() && !cancel.isCancelled()) {
            stats.retried.incrementAndGet();
            LOG.info("retrying task {} on another servant: {}", job.taskDigest(), err.getMessage());
            return attempt(job, cancel, attempt + 1);
          }
          return Future.failedFuture(err);
        });
  }

  /** A grant on a servant that has not just failed us; penalised ones go straight back. */
  private Future<Grant> usableGrant(String digest, int skipsLeft) {
    GrantKeeper k = keeper(digest);
    return k.get(cfg.maxGrantWaitMs()).compose(g -> {
      if (isPenalised(g.location()) && skipsLeft > 0) {
        k.free(g.grantId());
        return usableGrant(digest, skipsLeft - 1);
      }
      return Future.succeededFuture(g);
    });
  }

  private Future<RemoteResult> onGrant(Grant grant, RemoteJob job, Cancellation cancel) {
    held.put(grant.grantId(), new Held(cancel, new long[] {System.currentTimeMillis()}));
    GrantKeeper k = keeper(job.compilerDigest());
    SocketAddress addr = address(grant.location());
    ServantGrpcClient client = ServantGrpcClient.create(grpc, addr);
    String token = k.servingToken();
    QueueTaskRequest req = QueueTaskRequest.newBuilder()
        .setToken(token)
        .setGrantId(grant.grantId())
        .setCompilerDigest(job.compilerDigest())
        .setSourcePath(job.sourcePath())
        .addAllArgs(job.args())
        .setSourceZstd(ByteString.copyFrom(job.sourceZstd()))
        .setTaskDigest(job.taskDigest())
        .setDisallowCacheFill(job.disallowCacheFill() || !job.cacheable())
        .setOutputSuffix(job.outputSuffix())
        .setProtocolVersion(DaemonConfig.PROTOCOL_VERSION)
        // vxcc-gdebug
        .setInputMode(job.inputMode() == Decision.InputMode.FILE_AS_SOURCE ? InputMode.INPUT_MODE_FILE_AS_SOURCE : InputMode.INPUT_MODE_STDIN)
        .setInputPath(job.inputPath())
        .setClientCwd(job.clientCwd())
        .setSourceDateEpoch(job.sourceDateEpoch())
        .setKeyBaseDir(job.keyBaseDir())
        .setKeyCompilerPrefix(job.keyCompilerPrefix())
        .setCompilerFamily(dev.vxcc.daemon.identity.TaskKeyBuilder.toWire(job.keyFamily()))
        .addAllSideOutputSuffixes(job.keySideOutputs())
        .build();
    return client.queueTask(req)
        .timeout(30_000, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(penalise(grant, "queueing on " + grant.location() + " failed: " + err.getMessage())))
        .compose(resp -> {
          TaskRef ref = TaskRef.newBuilder().setToken(token).setTaskId(resp.getTaskId()).build();
          return waitLoop(client, token, resp.getTaskId(), cancel, grant, 0)
              .eventually(() -> client.freeTask(ref).timeout(5_000, TimeUnit.MILLISECONDS).otherwiseEmpty());
        })
        .map(r -> toResult(r, grant))
        .eventually(() -> {
          held.remove(grant.grantId());
          // Cancelled means the job may still run for someone who joined it: stop renewing the
          // lease and let it lapse (or be renewed by them) instead of freeing the slot under them.
          if (!cancel.isCancelled()) {
            k.free(grant.grantId());
          }
          return Future.succeededFuture();
        });
  }

  private Future<WaitTaskResponse> waitLoop(ServantGrpcClient client, String token, long taskId, Cancellation cancel, Grant grant, int failures) {
    if (cancel.isCancelled()) {
      return Future.failedFuture(new IllegalStateException("cancelled: " + cancel.reason()));
    }
    WaitTaskRequest req = WaitTaskRequest.newBuilder().setToken(token).setTaskId(taskId).setWaitMs((int) WAIT_POLL_MS).build();
    Future<WaitTaskResponse> poll = client.waitTask(req).timeout(WAIT_POLL_MS + RPC_SLACK_MS, TimeUnit.MILLISECONDS);
    // A cancellation must not wait for the servant's long-poll to end.
    Promise<WaitTaskResponse> next = Promise.promise();
    poll.onComplete(next);
    cancel.future().onSuccess(r -> next.tryFail(new IllegalStateException("cancelled: " + r)));
    return next.future().transform(ar -> {
      if (ar.failed()) {
        if (cancel.isCancelled()) {
          return Future.failedFuture(ar.cause());
        }
        if (failures + 1 >= WAIT_FAILURES_TOLERATED) {
          return Future.failedFuture(penalise(grant, "servant " + grant.location() + " stopped answering: " + ar.cause().getMessage()));
        }
        Promise<WaitTaskResponse> later = Promise.promise();
        vertx.setTimer(1_000, t -> waitLoop(client, token, taskId, cancel, grant, failures + 1).onComplete(later));
        return later.future();
      }
      WaitTaskResponse r = ar.result();
      if (r.getStatus() == TaskStatus.TASK_STATUS_RUNNING) {
        return waitLoop(client, token, taskId, cancel, grant, 0);
      }
      if (r.getStatus() != TaskStatus.TASK_STATUS_DONE) {
        return Future.failedFuture(penalise(grant, "servant " + grant.location() + " lost task " + taskId));
      }
      if (r.getExitCode() < 0) {
        String why = new String(Zstd.decompress(r.getStderrZstd().toByteArray(), cfg.servant().maxResultBytes()),
            java.nio.charset.StandardCharsets.UTF_8).trim();
        return Future.failedFuture(penalise(grant, "servant " + grant.location() + ": " + why));
      }
      return Future.succeededFuture(r);
    });
  }

  private ServantFailure penalise(Grant grant, String why) {
    penalised.put(grant.location(), System.currentTimeMillis() + PENALTY_MS);
    return new ServantFailure(why);
  }

  /** Bounded: a servant must not be able to inflate our heap with a small frame. */
  private RemoteResult toResult(WaitTaskResponse r, Grant grant) {
    long max = cfg.servant().maxResultBytes();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (OutputFile f : r.getFilesList()) {
      files.put(f.getSuffix(), f.getDataZstd().toByteArray());
    }
    return new RemoteResult(r.getExitCode(), Zstd.decompress(r.getStdoutZstd().toByteArray(), max),
        Zstd.decompress(r.getStderrZstd().toByteArray(), max), files, grant.location());
  }

  static SocketAddress address(String location) {
    int colon = location.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("bad servant location " + location);
    }
    return SocketAddress.inetSocketAddress(Integer.parseInt(location.substring(colon + 1)), location.substring(0, colon));
  }

  /** Timer (1 s): renew every held grant in one call; abandon jobs whose lease could not be renewed for long. */
  void keepAlive() {
    long now = System.currentTimeMillis();
    penalised.values().removeIf(until -> until <= now);
    keepers.values().forEach(GrantKeeper::dropExpired);
    List<Long> ids = new ArrayList<>();
    held.forEach((id, h) -> {
      if (now - h.lastRenewed()[0] > leaseLostAfterMs) {
        h.cancel().cancel("grant " + id + " could not be renewed for " + leaseLostAfterMs / 1000 + " s");
      } else {
        ids.add(id);
      }
    });
    if (ids.isEmpty()) {
      return;
    }
    vertx.eventBus().request(Addresses.SCHEDULER_KEEP_ALIVE, new KeepAliveRequest(cfg.token(), ids, KEEP_ALIVE_LEASE_MS, requestorId).toJson(),
            new DeliveryOptions().setSendTimeout(5_000))
        .map(m -> KeepAliveReply.fromJson(JsonBody.of(m)))
        .onSuccess(r -> {
          for (int i = 0; i < ids.size() && i < r.alive().size(); i++) {
            Held h = held.get(ids.get(i));
            if (h != null && Boolean.TRUE.equals(r.alive().get(i))) {
              h.lastRenewed()[0] = now;
            }
          }
        })
        .onFailure(e -> LOG.debug("keep-alive failed: {}", e.getMessage()));
  }

  private static String newRequestorId() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  void shutdown() {
    held.values().forEach(h -> h.cancel().cancel("daemon stopping"));
    keepers.values().forEach(GrantKeeper::releaseAll);
  }
}
