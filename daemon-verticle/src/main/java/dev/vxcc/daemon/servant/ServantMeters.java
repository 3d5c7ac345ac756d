package dev.vxcc.daemon.servant;

import dev.vxcc.common.metrics.MeterSet;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The servant's Prometheus meters. The engine's job table belongs to the servant's event loop, and a
 * scrape runs on another thread: {@link #sample} copies the numbers on the servant's loop, the meters
 * read the copies (at most a sampling period old).
 */
final class ServantMeters implements AutoCloseable {
  private final MeterSet meters;
  private final ExecutionEngine engine;
  private volatile long used;
  private volatile long ranEver;

  ServantMeters(MeterRegistry registry, ExecutionEngine engine) {
    this.meters = new MeterSet(registry);
    this.engine = engine;
    String help = "Compile slots this servant offers to the cluster";
    meters.gauge("servant_slots", help, () -> used, "state", "used");
    meters.gauge("servant_slots", help, () -> Math.max(0, engine.maxTasks() - used), "state", "free");
    meters.count("servant_tasks", "Tasks this servant started for other machines", () -> ranEver);
  }

  /** On the servant's event loop. */
  void sample() {
    used = engine.running();
    ranEver = engine.tasksRunEver();
  }

  @Override
  public void close() {
    meters.close();
  }
}
