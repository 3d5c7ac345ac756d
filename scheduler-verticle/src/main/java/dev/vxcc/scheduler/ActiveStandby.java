package dev.vxcc.scheduler;

import dev.vxcc.common.cluster.SchedulerCandidates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's scheduler either the cluster's active one or a standby (see
 * {@link SchedulerCandidates} for the rule and why). Wiring only: it renews this node's candidacy,
 * watches the member list, stands by for a while after this process was frozen ({@link PauseFence}),
 * and calls back when the role changes. Confined to the verticle's context.
 */
final class ActiveStandby {
  private static final Logger log = LoggerFactory.getLogger(ActiveStandby.class);

  private final Vertx vertx;
  private final String deploymentId;
  private final Runnable onActive;
  private final Runnable onStandby;
  private final List<Long> timers = new ArrayList<>();
  private final PauseFence fence;
  private ClusterManager manager;
  private AsyncMap<String, String> candidatesMap;
  private Set<String> candidates = Set.of();
  private boolean active;
  private boolean refreshing;
  private boolean stopped;

  ActiveStandby(Vertx vertx, InstantSource clock, String deploymentId, Runnable onActive, Runnable onStandby) {
    this.vertx = vertx;
    this.fence = new PauseFence(clock, SchedulerConfig.PAUSE_FENCE_AFTER_MS, SchedulerConfig.PAUSE_FENCE_MS);
    this.deploymentId = deploymentId;
    this.onActive = onActive;
    this.onStandby = onStandby;
  }

  /** Not clustered: the only scheduler there is, active at once. Clustered: active once elected. */
  Future<Void> start() {
    manager = vertx instanceof VertxInternal vi ? vi.clusterManager() : null;
    if (manager == null) {
      switchTo(true);
      return Future.succeededFuture();
    }
    return vertx.sharedData().<String, String>getAsyncMap(SchedulerCandidates.MAP)
        .compose(map -> {
          candidatesMap = map;
          return renew();
        })
        .compose(v -> refresh())
        .onSuccess(v -> {
          log.info("Scheduler candidate on node {}; waiting for election", self());
          check();
          timers.add(vertx.setPeriodic(SchedulerCandidates.RENEW_MS, id -> renew().onComplete(ar -> refresh())));
          timers.add(vertx.setPeriodic(SchedulerCandidates.CHECK_MS, id -> check()));
        });
  }

  /** Gives the role up and withdraws the candidacy, so a standby takes over without waiting for the entry to lapse. */
  Future<Void> stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
    switchTo(false);
    if (candidatesMap == null) {
      return Future.succeededFuture();
    }
    return candidatesMap.remove(self()).<Void>mapEmpty().otherwiseEmpty();
  }

  boolean isActive() {
    return active;
  }

  private String self() {
    return manager.getNodeId();
  }

  private Future<Void> renew() {
    if (fence.fenced()) {
      return Future.succeededFuture();
    }
    return candidatesMap.put(self(), deploymentId, SchedulerCandidates.ENTRY_TTL_MS)
        .onFailure(e -> log.warn("Could not renew this node's scheduler candidacy: {}", e.getMessage()));
  }

  private Future<Void> refresh() {
    if (refreshing || stopped) {
      return Future.succeededFuture();
    }
    refreshing = true;
    return candidatesMap.keys()
        .onComplete(ar -> refreshing = false)
        .onSuccess(keys -> {
          candidates = Set.copyOf(keys);
          decide(manager.getNodes());
        })
        .onFailure(e -> log.debug("Could not read the scheduler candidates: {}", e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /**
   * Reads the member list (local, no remote call) and decides; then re-reads the candidates (one small
   * map read per check and candidate), so a younger candidate that missed an older one corrects itself
   * within a check, and a standby notices an active one that withdrew before it left the cluster. This
   * node always counts itself, so a map that lost entries in a merge never demotes it.
   */
  private void check() {
    if (stopped) {
      return;
    }
    long paused = fence.tick();
    // A sole candidate has no rival that could have taken over while it slept: it keeps the role.
    if (paused > 0 && candidates.stream().noneMatch(c -> !c.equals(self()))) {
      fence.lift();
    } else if (paused > 0) {
      // Withdrawn rather than only idle: while this node is still the oldest member in the others'
      // list (a pause too short for them to drop it), a standby takes over only if it is no candidate.
      log.warn("This node did not run for {} ms (frozen?): standing by, candidacy withdrawn, for {} s",
          paused, SchedulerConfig.PAUSE_FENCE_MS / 1000);
      candidatesMap.remove(self()).onFailure(e -> log.debug("Could not withdraw the candidacy: {}", e.getMessage()));
    }
    decide(manager.getNodes());
    refresh();
  }

  private void decide(List<String> members) {
    if (stopped) {
      return;
    }
    Set<String> withSelf = new HashSet<>(candidates);
    withSelf.add(self());
    switchTo(!fence.fenced() && SchedulerCandidates.isActive(self(), members, withSelf));
  }

  private void switchTo(boolean nowActive) {
    if (nowActive == active) {
      return;
    }
    active = nowActive;
    if (nowActive) {
      log.info("This scheduler is now the active one{}", manager == null ? "" : " (node " + self() + ")");
      onActive.run();
    } else {
      log.info("This scheduler is now a standby");
      onStandby.run();
    }
  }
}
