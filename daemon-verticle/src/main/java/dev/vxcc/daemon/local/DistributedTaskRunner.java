package dev.vxcc.daemon.local;

import static dev.vxcc.daemon.DaemonConstants.MAX_EXCLUDED_SERVANTS;
import static dev.vxcc.daemon.DaemonConstants.PENALISED_GRANT_SKIPS;

import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.daemon.DaemonConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task on the cluster (yadcc's DistributedTaskDispatcher, delegate side): joins an
 * identical task already running here or on a servant, else takes a grant, runs a
 * {@link ServantSession} on it, and retries on another servant when ours fails. Held grants stay
 * alive through {@link LeaseRenewal}. Confined to the delegate's event loop.
 */
final class DistributedTaskRunner {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedTaskRunner.class);

  private final Vertx vertx;
  private final DaemonConfig cfg;
  private final GrpcClient grpc;
  private final DelegateStats stats;
  private final ClusterViewKeeper cluster;
  private final SchedulerLink scheduler;
  private final InstantSource clock;
  private final PenaltyBox penalties;
  private final LeaseRenewal leases;
  private final Map<String, GrantKeeper> keepers = new HashMap<>();
  private final SharedTasks shared = new SharedTasks();

  DistributedTaskRunner(Vertx vertx, DaemonConfig cfg, GrpcClient grpc, DelegateStats stats, ClusterViewKeeper cluster,
      SchedulerLink scheduler, PenaltyBox penalties, LeaseRenewal leases, InstantSource clock) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.grpc = grpc;
    this.stats = stats;
    this.cluster = cluster;
    this.scheduler = scheduler;
    this.penalties = penalties;
    this.leases = leases;
    this.clock = clock;
  }

  private GrantKeeper keeper(String compilerDigest) {
    return keepers.computeIfAbsent(compilerDigest,
        d -> new GrantKeeper(vertx, scheduler, clock, cfg.host(), d, cluster::servingTokenSeen,
            () -> penalties.penalised(MAX_EXCLUDED_SERVANTS)));
  }

  Future<RemoteResult> run(RemoteJob job, Cancellation cancel) {
    return shared.run(job.taskDigest(), cancel, c -> attachOrDispatch(job, c), stats.sharedLocal::incrementAndGet);
  }

  /** The same task already running on some servant is joined instead of compiled again. */
  private Future<RemoteResult> attachOrDispatch(RemoteJob job, Cancellation cancel) {
    RunningTask running = cluster.running(job.taskDigest());
    String token = cluster.servingToken();
    if (running == null || token.isEmpty() || penalties.isPenalised(running.servantLocation())) {
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
    ServantSession session;
    try {
      session = new ServantSession(vertx, grpc, token, grant, penalties, cfg.servant().maxResultBytes());
    } catch (IllegalArgumentException e) {
      // A view naming a servant we cannot address: run the task ourselves rather than fail it.
      return Future.failedFuture(e);
    }
    return session.reference(running.servantTaskId())
        .compose(ack -> {
          stats.sharedRemote.incrementAndGet();
          leases.hold(grant.grantId(), cancel);
          return session.await(running.servantTaskId(), cancel)
              .eventually(() -> {
                leases.release(grant.grantId());
                return Future.succeededFuture();
              });
        })
        .compose(r -> {
          // Done: nobody needs the slot any more, whether or not its first owner is still alive.
          scheduler.free(grant.grantId());
          return session.decode(r);
        });
  }

  private Future<RemoteResult> attempt(RemoteJob job, Cancellation cancel, int attempt) {
    if (cancel.isCancelled()) {
      return Future.failedFuture(new IllegalStateException("cancelled: " + cancel.reason()));
    }
    return usableGrant(job.compilerDigest(), PENALISED_GRANT_SKIPS)
        .compose(grant -> onGrant(grant, job, cancel))
        .recover(err -> {
          if (err instanceof ServantSession.ServantFailure && attempt < cfg.retries() && !cancel.isCancelled()) {
            stats.retried.incrementAndGet();
            LOG.info("retrying task {} on another servant: {}", job.taskDigest(), err.getMessage());
            return attempt(job, cancel, attempt + 1);
          }
          return Future.failedFuture(err);
        });
  }

  /**
   * A grant on a servant that has not just failed us; penalised ones go straight back. The scheduler
   * skips them itself while it has another servant (our requests name them); an older one may not.
   */
  private Future<Grant> usableGrant(String digest, int skipsLeft) {
    GrantKeeper k = keeper(digest);
    long askedAt = clock.millis();
    return k.get(cfg.maxGrantWaitMs()).onComplete(ar -> stats.grantWait(clock.millis() - askedAt)).compose(g -> {
      if (penalties.isPenalised(g.location()) && skipsLeft > 0) {
        k.free(g.grantId());
        return usableGrant(digest, skipsLeft - 1);
      }
      return Future.succeededFuture(g);
    });
  }

  private Future<RemoteResult> onGrant(Grant grant, RemoteJob job, Cancellation cancel) {
    leases.hold(grant.grantId(), cancel);
    long grantedAt = clock.millis();
    return Future.succeededFuture(grant)
        .map(g -> new ServantSession(vertx, grpc, cluster.servingToken(), g, penalties, cfg.servant().maxResultBytes()))
        .compose(session -> session.queue(job)
            .compose(taskId -> session.await(taskId, cancel))
            .compose(session::decode))
        .onFailure(err -> {
          // Before the free below: the scheduler should stop granting it to anyone, not only to us.
          if (err instanceof ServantSession.ServantFailure f && f.unreachable()) {
            scheduler.reportUnreachable(grant, f.getMessage());
          }
        })
        .eventually(() -> {
          stats.phase("remote", clock.millis() - grantedAt);
          leases.release(grant.grantId());
          // Cancelled means the job may still run for someone who joined it: stop renewing the
          // lease and let it lapse (or be renewed by them) instead of freeing the slot under them.
          if (!cancel.isCancelled()) {
            scheduler.free(grant.grantId());
          }
          return Future.succeededFuture();
        });
  }

  /** Timer: penalties that ended are forgotten, unused spares go back, held leases are renewed. */
  Future<Void> tick() {
    penalties.sweep();
    keepers.values().forEach(GrantKeeper::dropExpired);
    return leases.renew();
  }

  void shutdown() {
    leases.cancelAll("daemon stopping");
    keepers.values().forEach(GrantKeeper::releaseAll);
  }
}
