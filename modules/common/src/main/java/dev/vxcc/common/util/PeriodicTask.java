package dev.vxcc.common.util;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic work that may overrun (a slow scheduler, a /proc read on a loaded machine, a purge of a
 * big disk): a one-shot timer re-armed when the job's future ends, so runs never pile up the way
 * {@code setPeriodic} lets them. A failed run is logged and the next one still happens.
 */
public final class PeriodicTask {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicTask.class);

  private final Vertx vertx;
  private final String name;
  private final long periodMs;
  private final Supplier<Future<?>> job;
  private long timer = -1;
  private boolean stopped;

  private PeriodicTask(Vertx vertx, String name, long periodMs, Supplier<Future<?>> job) {
    this.vertx = vertx;
    this.name = name;
    this.periodMs = periodMs;
    this.job = job;
  }

  /** Starts {@code job} every {@code periodMs} after the previous run ended; first run after one period. */
  public static PeriodicTask start(Vertx vertx, String name, long periodMs, Supplier<Future<?>> job) {
    PeriodicTask t = new PeriodicTask(vertx, name, periodMs, job);
    t.arm();
    return t;
  }

  /** The same for work that completes synchronously on the calling thread. */
  public static PeriodicTask start(Vertx vertx, String name, long periodMs, Runnable job) {
    return start(vertx, name, periodMs, () -> {
      job.run();
      return Future.succeededFuture();
    });
  }

  private void arm() {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(periodMs, id -> {
      timer = -1;
      Future<?> run;
      try {
        run = job.get();
      } catch (RuntimeException e) {
        run = Future.failedFuture(e);
      }
      run.onFailure(e -> LOG.warn("periodic task {} failed: {}", name, e.toString()))
          .onComplete(ar -> arm());
    });
  }

  /** No further runs; a run in progress finishes but is not re-armed. */
  public void stop() {
    stopped = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
