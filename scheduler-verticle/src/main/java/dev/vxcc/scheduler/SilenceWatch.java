package dev.vxcc.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On each sweep, marks suspect the servants that fell silent (see {@link Servant#silent}): no grants go
 * there, and delegates duplicate their tasks elsewhere, seconds before their leases would end. A sweep
 * that itself came late judges nobody: the scheduler was the one stalled, and the heartbeats it has not
 * read yet are no servant's fault. Not thread-safe.
 */
final class SilenceWatch {
  private static final Logger log = LoggerFactory.getLogger(SilenceWatch.class);

  private final ServantRegistry servants;
  private final long minSilenceMs;
  private Instant lastSweep;

  SilenceWatch(ServantRegistry servants, long minSilenceMs) {
    this.servants = servants;
    this.minSilenceMs = minSilenceMs;
  }

  /** Returns the servants marked suspect now. */
  List<Servant> sweep(Instant now) {
    boolean steady = lastSweep != null && Duration.between(lastSweep, now).toMillis() < minSilenceMs;
    lastSweep = now;
    if (!steady) {
      return List.of();
    }
    List<Servant> silent = servants.suspectSilent(now, minSilenceMs);
    silent.forEach(s -> log.info("Servant {} at {} silent for {} ms; no grants until its next heartbeat, its tasks are duplicated elsewhere",
        s.id(), s.heartbeat().location(), s.silentForMs(now)));
    return silent;
  }
}
