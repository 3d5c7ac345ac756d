package dev.vxcc.scheduler;

import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.bus.ServantHeartbeat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Squares what a servant says it runs with the grants this scheduler holds for it: a predecessor's tasks
 * are adopted, zombies the servant no longer runs give their slot back, and tasks under no live grant of
 * ours are named for killing. Costs the servant's own tasks and zombies, never the cluster's. Not
 * thread-safe; the dispatcher's thread only.
 */
final class TaskReconciler {
  private static final Logger log = LoggerFactory.getLogger(TaskReconciler.class);

  private final ServantRegistry servants;
  private final GrantLeases leases;
  private final DepartedServants departed;

  TaskReconciler(ServantRegistry servants, GrantLeases leases, DepartedServants departed) {
    this.servants = servants;
    this.leases = leases;
    this.departed = departed;
  }

  /**
   * Call right after the heartbeat was recorded for {@code s}; {@code firstSight} when this instance had
   * not heard from it before. Returns the ids the servant should kill.
   */
  List<Long> reconcile(Servant s, ServantHeartbeat hb, boolean firstSight, Instant now) {
    if (firstSight) {
      adopt(s, hb, now);
      readopt(s, hb, now);
    }
    Set<Long> reported = new HashSet<>();
    hb.runningTasks().forEach(t -> reported.add(t.grantId()));
    for (GrantLeases.Lease zombie : leases.zombiesOf(s.id())) {
      // The servant no longer holds it, so the slot the zombie kept occupied is really free now.
      if (!reported.contains(zombie.grantId)) {
        release(leases.remove(zombie.grantId));
      }
    }
    List<Long> expired = new ArrayList<>();
    List<RunningTask> kept = new ArrayList<>();
    for (RunningTask t : hb.runningTasks()) {
      GrantLeases.Lease l = leases.get(t.grantId());
      if (l == null || l.zombie || !l.servantId.equals(s.id())) {
        expired.add(t.grantId());
      } else {
        kept.add(t);
      }
    }
    s.reportedTasks(kept);
    return expired;
  }

  /** Gives the lease's slot back to its servant, if that servant is still registered. */
  void release(GrantLeases.Lease l) {
    Servant s = servants.get(l.servantId);
    if (s != null) {
      servants.released(s);
    }
  }

  /**
   * On a servant's first heartbeat to this instance, its tasks under grants of a predecessor scheduler
   * are taken over rather than killed: the work is good and its delegate is waiting for it. The adopted
   * lease lasts {@link SchedulerConfig#ADOPTED_LEASE_MS} unless the delegate renews (and so claims) it;
   * ids this instance issued and no longer knows are stale and are still reported back for killing.
   */
  private void adopt(Servant s, ServantHeartbeat hb, Instant now) {
    int adopted = 0;
    for (RunningTask t : hb.runningTasks()) {
      if (leases.fromPredecessor(t.grantId()) && leases.get(t.grantId()) == null) {
        leases.adopt(t.grantId(), s.id(), now.plusMillis(SchedulerConfig.ADOPTED_LEASE_MS));
        servants.assigned(s);
        adopted++;
      }
    }
    if (adopted > 0) {
      log.info("Adopted {} running tasks of servant {} granted by an earlier scheduler", adopted, s.id());
    }
  }

  /**
   * A servant dropped with its cluster node that heartbeats again within the grace was a false alarm
   * (a split on a loaded machine): the grants it still runs tasks for are its again, so neither the
   * work nor the delegates waiting for it are lost.
   */
  private void readopt(Servant s, ServantHeartbeat hb, Instant now) {
    Set<Long> running = new HashSet<>();
    hb.runningTasks().forEach(t -> running.add(t.grantId()));
    int back = 0;
    for (GrantLeases.Lease l : departed.returned(s.id(), now)) {
      if (running.contains(l.grantId)) {
        leases.restore(l);
        servants.assigned(s);
        back++;
      }
    }
    if (back > 0) {
      log.info("Servant {} is back within {} ms of leaving with its node: its {} running tasks keep their grants",
          s.id(), SchedulerConfig.REJOIN_GRACE_MS, back);
    }
  }
}
