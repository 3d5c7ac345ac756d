package dev.vxcc.scheduler;

import dev.vxcc.common.metrics.MeterSet;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The scheduler's Prometheus meters. Its state belongs to its event loop and a scrape runs on another
 * thread: {@link #sample} copies the numbers on the loop (each sweep), the meters read the copies.
 */
final class SchedulerMeters implements AutoCloseable {
  private final MeterSet meters;
  private volatile int servants;
  private volatile long capacity;
  private volatile long running;
  private volatile int waiters;
  private volatile int grants;

  SchedulerMeters(MeterRegistry registry) {
    this.meters = new MeterSet(registry);
    meters.gauge("scheduler_servants", "Live servants", () -> servants);
    meters.gauge("scheduler_slots", "Servant slots in the cluster", () -> running, "state", "used");
    meters.gauge("scheduler_slots", "Servant slots in the cluster", () -> Math.max(0, capacity - running), "state", "free");
    meters.gauge("scheduler_grants", "Grants leased to delegates now", () -> grants);
    meters.gauge("scheduler_grant_waiters", "Grant requests waiting for a free slot", () -> waiters);
  }

  /** On the scheduler's event loop. */
  void sample(TaskDispatcher dispatcher) {
    ServantRegistry.Totals t = dispatcher.totals();
    servants = t.servants();
    capacity = t.capacity();
    running = t.running();
    waiters = dispatcher.pendingWaiters();
    grants = dispatcher.liveGrants();
  }

  @Override
  public void close() {
    meters.close();
  }
}
