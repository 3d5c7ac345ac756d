package dev.vxcc.daemon.local;

import static dev.vxcc.daemon.DaemonConstants.HEDGE_GRANT_WAIT_MS;
import static dev.vxcc.daemon.DaemonConstants.HEDGE_HISTORY_KEYS;
import static dev.vxcc.daemon.DaemonConstants.HEDGE_HISTORY_MIN_SAMPLES;
import static dev.vxcc.daemon.DaemonConstants.HEDGE_HISTORY_SAMPLES;
import static dev.vxcc.daemon.DaemonConstants.MAX_EXCLUDED_SERVANTS;
import static dev.vxcc.daemon.DaemonConstants.PENALISED_GRANT_SKIPS;

import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.PhaseTimes;
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
 * {@link ServantSession} on it, and retries on another servant when ours fails. A run that straggles
 * (past a multiple of its expected duration, or on a servant gone from the cluster view) is
 * duplicated on another servant and the first result wins ({@link HedgedRun}). Held grants stay
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
  private final InPlaceRunner inPlace;
  private final HedgeConfig hedging;
  private final DurationHistory durations = new DurationHistory(HEDGE_HISTORY_SAMPLES, HEDGE_HISTORY_MIN_SAMPLES, HEDGE_HISTORY_KEYS);
  private final Stragglers stragglers;

  DistributedTaskRunner(Vertx vertx, DaemonConfig cfg, GrpcClient grpc, DelegateStats stats, ClusterViewKeeper cluster,
      SchedulerLink scheduler, PenaltyBox penalties, LeaseRenewal leases, InstantSource clock, InPlaceRunner inPlace,
      HedgeConfig hedging) {
    this.inPlace = inPlace;
    this.vertx = vertx;
    this.cfg = cfg;
    this.grpc = grpc;
    this.stats = stats;
    this.cluster = cluster;
    this.scheduler = scheduler;
    this.penalties = penalties;
    this.leases = leases;
    this.clock = clock;
    this.hedging = hedging;
    this.stragglers = new Stragglers(clock, hedging.maxInFlight());
  }

  /** Source-tree tasks wait for grants of their own: a servant without the capability cannot take them. */
  private GrantKeeper keeper(String compilerDigest, boolean sourceTree) {
    return keepers.computeIfAbsent(sourceTree ? "source-tree/" + compilerDigest : compilerDigest, k -> {
      GrantKeeper g = new GrantKeeper(vertx, scheduler, clock, cfg.host(), compilerDigest, cluster::servingTokenSeen,
          () -> penalties.penalised(MAX_EXCLUDED_SERVANTS));
      return sourceTree ? g.forSourceTree() : g;
    });
  }

  /** Whether a preprocessed-text task with this compiler would run on this node's own servant, without the network. */
  InPlaceRunner inPlace() {
    return inPlace;
  }

  boolean runsInPlace(String compilerDigest) {
    return inPlace.target(compilerDigest) != null;
  }

  Future<RemoteResult> run(RemoteJob job, Cancellation cancel) {
    return shared.run(job.taskDigest(), cancel, c -> attachOrDispatch(job, c), stats.sharedLocal::incrementAndGet);
  }

  /** The same task already running on some servant is joined instead of compiled again. */
  private Future<RemoteResult> attachOrDispatch(RemoteJob job, Cancellation cancel) {
    // A source tree's files reach a servant only by upload, so it always goes over gRPC, even to ourselves.
    dev.vxcc.daemon.InPlaceServant self = job.tree() == null ? inPlace.target(job.compilerDigest()) : null;
    if (self != null) {
      return inPlace.run(self, job, cancel);
    }
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
    long asked = stats.phases.now();
    return usableGrant(job.compilerDigest(), job.tree() != null, PENALISED_GRANT_SKIPS)
        .compose(grant -> {
          stats.phases.since(PhaseTimes.Phase.GRANT_WAIT, asked);
          return race(grant, job, cancel);
        })
        .recover(err -> {
          if (err instanceof ServantSession.ServantFailure && attempt < cfg.retries() && !cancel.isCancelled()) {
            stats.retried.incrementAndGet();
            stats.repeated(RepeatReason.SERVANT_RETRY);
            LOG.info("retrying task {} on another servant: {}", job.taskDigest(), err.getMessage());
            return attempt(job, cancel, attempt + 1);
          }
          return Future.failedFuture(err);
        });
  }

  /**
   * A grant on a servant that has not just failed us; penalised ones go straight back. The scheduler
   * skips them itself while it has another servant (our requests name them); an older one may not.
   * So do spares taken before their servant fell silent: a task sent there would only straggle.
   */
  private Future<Grant> usableGrant(String digest, boolean sourceTree, int skipsLeft) {
    GrantKeeper k = keeper(digest, sourceTree);
    long askedAt = clock.millis();
    return k.get(cfg.maxGrantWaitMs()).onComplete(ar -> stats.grantWait(clock.millis() - askedAt)).compose(g -> {
      if ((penalties.isPenalised(g.location()) || cluster.servantSuspect(g.location())) && skipsLeft > 0) {
        k.free(g.grantId());
        return usableGrant(digest, sourceTree, skipsLeft - 1);
      }
      return Future.succeededFuture(g);
    });
  }

  /** The task's run on its grant, watched for straggling until one of its runs has won or all failed. */
  private Future<RemoteResult> race(Grant grant, RemoteJob job, Cancellation cancel) {
    HedgedRun race = new HedgedRun(cancel);
    String shape = ArgumentShape.of(job.args(), job.sourceZstd().length);
    long started = clock.millis();
    Stragglers.Watch watch = stragglers.watch(grant.location(),
        hedging.deadline(started, durations.expected(job.compilerDigest(), shape)), () -> hedge(race, job, cancel, grant.location()));
    race.start(mine -> timed(onGrant(grant, job, cancel, mine), job, shape));
    return race.result().onComplete(ar -> stragglers.unwatch(watch));
  }

  /** A successful run's duration joins the history its later peers are judged by. */
  private Future<RemoteResult> timed(Future<RemoteResult> run, RemoteJob job, String shape) {
    long started = clock.millis();
    return run.onSuccess(r -> durations.record(job.compilerDigest(), shape, clock.millis() - started));
  }

  /**
   * Duplicates a straggler on another servant. The slow one is penalised first, so that the grant
   * request names it for the scheduler to skip; a grant on it all the same is handed back unused.
   */
  private void hedge(HedgedRun race, RemoteJob job, Cancellation cancel, String slow) {
    if (!race.open()) {
      return;
    }
    LOG.info("task {} straggles on {}: duplicating it on another servant", job.taskDigest(), slow);
    penalties.penalise(slow);
    stats.hedged.incrementAndGet();
    String shape = ArgumentShape.of(job.args(), job.sourceZstd().length);
    GrantKeeper k = keeper(job.compilerDigest(), job.tree() != null);
    race.start(mine -> k.get(HEDGE_GRANT_WAIT_MS).compose(g -> {
      if (!race.open() || g.location().equals(slow) || penalties.isPenalised(g.location())) {
        k.free(g.grantId());
        return Future.failedFuture(new IllegalStateException("no other servant for the duplicate of a straggler"));
      }
      return timed(onGrant(g, job, cancel, mine), job, shape).onSuccess(r -> stats.hedgesWon.incrementAndGet());
    }));
  }

  /**
   * @param cancel the whole task's: once it fired, the grant is left to lapse (someone may have joined)
   * @param mine this run's, which also fires when another run of the task won
   */
  private Future<RemoteResult> onGrant(Grant grant, RemoteJob job, Cancellation cancel, Cancellation mine) {
    leases.hold(grant.grantId(), cancel);
    long grantedAt = clock.millis();
    return Future.succeededFuture(grant)
        .map(g -> new ServantSession(vertx, grpc, cluster.servingToken(), g, penalties, cfg.servant().maxResultBytes()))
        .compose(session -> {
          long uploading = stats.phases.now();
          return session.queue(job)
              .compose(taskId -> {
                long queued = stats.phases.now();
                stats.phases.record(PhaseTimes.Phase.UPLOAD, queued - uploading);
                return session.await(taskId, mine).onSuccess(r -> servantTimes(r, stats.phases.now() - queued));
              })
              .compose(session::decode);
        })
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

  /** The servant's share of a task's time, as it reported it; the rest of the wait is transfer and polling. */
  private void servantTimes(dev.vxcc.api.v1.WaitTaskResponse r, long awaitedNanos) {
    long compileNanos = r.getCompileMicros() * 1000;
    if (r.getServantQueueMicros() > 0 || compileNanos > 0) {
      stats.phases.record(PhaseTimes.Phase.SERVANT_QUEUE, r.getServantQueueMicros() * 1000);
      stats.phases.record(PhaseTimes.Phase.COMPILE, compileNanos);
    }
    stats.phases.record(PhaseTimes.Phase.DOWNLOAD, awaitedNanos - compileNanos);
  }

  /** Timer: penalties that ended are forgotten, unused spares go back, held leases are renewed. */
  Future<Void> tick() {
    penalties.sweep();
    keepers.values().forEach(GrantKeeper::dropExpired);
    stragglers.due(cluster::servantGone).forEach(w -> w.hedge.run());
    return leases.renew();
  }

  void shutdown() {
    leases.cancelAll("daemon stopping");
    keepers.values().forEach(GrantKeeper::releaseAll);
  }
}
