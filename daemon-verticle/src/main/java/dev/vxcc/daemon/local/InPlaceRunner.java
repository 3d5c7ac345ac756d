package dev.vxcc.daemon.local;

import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.daemon.InPlaceServant;
import dev.vxcc.daemon.PhaseTimes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs a task on this node's own servant without the network when {@link InPlacePolicy} says it
 * is the only servant that could take it: under a quota of its own (as many slots as CPUs, since
 * the build's -j already bounds what it asks for), with the servant's checks, sandbox and cache
 * fill. Confined to the delegate's event loop.
 */
final class InPlaceRunner {
  private final Vertx vertx;
  private final Supplier<InPlaceServant> servant;
  private final ClusterViewKeeper cluster;
  private final LocalQuota slots;
  private final DelegateStats stats;
  private final long maxResultBytes;
  /** Slot holders are task numbers, not wrapper pids: nothing reclaims them as dead wrappers. */
  private long nextHolder = 1;

  InPlaceRunner(Vertx vertx, Supplier<InPlaceServant> servant, ClusterViewKeeper cluster, LocalQuota slots, DelegateStats stats,
      long maxResultBytes) {
    this.vertx = vertx;
    this.servant = servant;
    this.cluster = cluster;
    this.slots = slots;
    this.stats = stats;
    this.maxResultBytes = maxResultBytes;
  }

  /** This node's servant when it is the only one for the compiler; null otherwise. */
  InPlaceServant target(String compilerDigest) {
    InPlaceServant s = servant.get();
    return s != null && InPlacePolicy.inPlace(cluster.latest(), compilerDigest, s.location()) ? s : null;
  }

  /** Work of this node's own servant under the same slots (a depend-mode compile, HostCompile). */
  <T> Future<T> withSlot(java.util.function.Supplier<Future<T>> work) {
    long holder = nextHolder++;
    long asked = stats.phases.now();
    return slots.acquire(holder, false, Long.MAX_VALUE)
        .compose(granted -> {
          stats.phases.since(PhaseTimes.Phase.GRANT_WAIT, asked);
          return work.get();
        })
        .eventually(() -> {
          slots.release(holder);
          return Future.succeededFuture();
        });
  }

  Future<RemoteResult> run(InPlaceServant s, RemoteJob job, Cancellation cancel) {
    return withSlot(() -> {
      if (cancel.isCancelled()) {
        return Future.<RemoteResult>failedFuture(new IllegalStateException("cancelled: " + cancel.reason()));
      }
      stats.inPlace.incrementAndGet();
      return s.run(ServantSession.request(job, "", 0, dev.vxcc.api.v1.QueueTaskRequest.newBuilder()), cancel.future())
          .compose(r -> {
            if (r.getStatus() != TaskStatus.TASK_STATUS_DONE || r.getExitCode() < 0) {
              return Future.failedFuture(new IllegalStateException("in-place compile on " + s.location() + " failed (" + r.getStatus() + ")"));
            }
            record(r);
            return vertx.executeBlocking(() -> ServantSession.toResult(r, s.location(), maxResultBytes), false);
          });
    });
  }

  private void record(WaitTaskResponse r) {
    stats.phases.record(PhaseTimes.Phase.SERVANT_QUEUE, r.getServantQueueMicros() * 1000);
    stats.phases.record(PhaseTimes.Phase.COMPILE, r.getCompileMicros() * 1000);
  }
}
