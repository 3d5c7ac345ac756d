package dev.vxcc.daemon.local;

import dev.vxcc.common.metrics.MeterSet;
import dev.vxcc.daemon.args.CacheMissReason;
import dev.vxcc.daemon.args.LocalReason;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The delegate's Prometheus meters, all bound here: {@link DelegateStats}' counters read as they are,
 * plus what only events carry (reasons, grant waits, phase durations). A phase is a name: whoever
 * times a new one calls {@link DelegateStats#phase} and it appears as another {@code phase} label.
 */
final class DelegateMeters implements DelegateStats.Listener, AutoCloseable {
  private final MeterSet meters;
  private final RecentFallbacks recent;
  private final Timer grantWait;
  private final Map<String, Timer> phases = new ConcurrentHashMap<>();

  DelegateMeters(MeterRegistry registry, DelegateStats stats, RecentFallbacks recent, IntSupplier inFlight,
      IntSupplier localSlots, IntSupplier localRunning) {
    this.meters = new MeterSet(registry);
    this.recent = recent;
    String tasks = "daemon_tasks";
    String tasksHelp = "Compiles this daemon was asked for, by where their result came from";
    meters.count(tasks, tasksHelp, () -> stats.remote.get(), "outcome", "remote");
    meters.count(tasks, tasksHelp, () -> stats.cacheHits.get(), "outcome", "cache_hit");
    meters.count(tasks, tasksHelp, () -> stats.sharedLocal.get(), "outcome", "shared_local");
    meters.count(tasks, tasksHelp, () -> stats.sharedRemote.get(), "outcome", "shared_remote");
    meters.count(tasks, tasksHelp, stats::localTotal, "outcome", "local");
    meters.count("daemon_invocations", "Compiler invocations wrappers reported", () -> stats.invocations.get());
    meters.count("daemon_submitted", "Compiles submitted for remote execution", () -> stats.submitted.get());
    meters.count("daemon_retried", "Remote compiles retried on another servant", () -> stats.retried.get());
    meters.count("daemon_remote_failed", "Remote compiles that failed and ran locally instead", () -> stats.remoteFailed.get());
    meters.count("daemon_preprocess_fallbacks", "Preprocessing failures that sent a compile local",
        () -> stats.preprocessFallbacks.get());
    meters.gauge("daemon_remote_share", "Share of finished compiles that ran remotely (cache hits excluded)", () -> {
      double remote = stats.remote.get();
      double all = remote + stats.localTotal();
      return all == 0 ? 0 : remote / all;
    });
    meters.gauge("daemon_tasks_in_flight", "Compiles in progress on this daemon", inFlight::getAsInt);
    meters.gauge("daemon_local_slots", "Local compile slots", localSlots::getAsInt, "state", "total");
    meters.gauge("daemon_local_slots", "Local compile slots", localRunning::getAsInt, "state", "used");
    grantWait = meters.timer("daemon_grant_wait", "Time a compile waited for a servant grant");
  }

  @Override
  public void local(LocalReason reason) {
    meters.counter("daemon_local", "Compiles run locally, by reason", "reason", reason.code()).increment();
    recent.add(reason.code());
  }

  @Override
  public void cacheMiss(CacheMissReason reason) {
    meters.counter("daemon_cache_misses", "Shared-cache lookups that missed, by reason", "reason", reason.code()).increment();
  }

  @Override
  public void grantWait(long millis) {
    grantWait.record(Duration.ofMillis(millis));
  }

  @Override
  public void phase(String name, long millis) {
    phases.computeIfAbsent(name, n -> meters.timer("daemon_phase", "Duration of one phase of a compile", "phase", n))
        .record(Duration.ofMillis(millis));
  }

  @Override
  public void close() {
    meters.close();
  }
}
