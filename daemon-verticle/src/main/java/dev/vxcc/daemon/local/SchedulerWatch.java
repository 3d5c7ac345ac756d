package dev.vxcc.daemon.local;

import dev.vxcc.common.cluster.SchedulerCandidates;
import dev.vxcc.common.util.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails our scheduler requests in flight the moment a scheduler node leaves the cluster, so that they
 * are re-sent to whichever scheduler is active now instead of waiting out their send timeout: the
 * event bus neither fails nor retries a request whose recipient died (stack-notes §6, only TIMEOUT
 * ever came back). Delegates guard their grant calls with it, servants their heartbeats (a new active
 * scheduler knows no servant until its first heartbeat). Reading the member list is local, so it is polled; the scheduler candidates (a
 * cluster-wide map) are re-read now and then. Not clustered, it does nothing. Confined to one context.
 */
public final class SchedulerWatch {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerWatch.class);

  /** Distinct from the scheduler's codes: the request never got an answer, so retrying is always right. */
  public static final int SCHEDULER_LEFT = -14;

  private final Vertx vertx;
  private final Set<Promise<?>> inFlight = new LinkedHashSet<>();
  private final List<PeriodicTask> timers = new ArrayList<>();
  private ClusterManager manager;
  private AsyncMap<String, String> candidatesMap;
  private Set<String> candidates = Set.of();
  private Set<String> members = Set.of();

  public SchedulerWatch(Vertx vertx) {
    this.vertx = vertx;
  }

  public void start() {
    manager = vertx instanceof VertxInternal vi ? vi.clusterManager() : null;
    if (manager == null) {
      return;
    }
    members = Set.copyOf(manager.getNodes());
    vertx.sharedData().<String, String>getAsyncMap(SchedulerCandidates.MAP).onSuccess(map -> {
      candidatesMap = map;
      readCandidates();
    });
    timers.add(PeriodicTask.start(vertx, "scheduler candidates", SchedulerCandidates.RENEW_MS, this::readCandidates));
    timers.add(PeriodicTask.start(vertx, "scheduler membership", SchedulerCandidates.CHECK_MS, this::checkMembers));
  }

  public void stop() {
    timers.forEach(PeriodicTask::stop);
  }

  /** The request's outcome, or a quick SCHEDULER_LEFT failure if a scheduler node leaves meanwhile. */
  public <T> Future<T> guard(Future<T> request) {
    if (manager == null) {
      return request;
    }
    Promise<T> p = Promise.promise();
    inFlight.add(p);
    request.onComplete(ar -> {
      inFlight.remove(p);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  private Future<?> readCandidates() {
    if (candidatesMap == null) {
      return Future.succeededFuture();
    }
    return candidatesMap.keys().onSuccess(keys -> candidates = Set.copyOf(keys));
  }

  private void checkMembers() {
    Set<String> now = Set.copyOf(manager.getNodes());
    if (now.equals(members)) {
      return;
    }
    Set<String> left = new HashSet<>(members);
    left.removeAll(now);
    members = now;
    // Before the first read of the candidates, any departure might have been the scheduler's.
    boolean schedulerLeft = left.stream().anyMatch(n -> candidates.isEmpty() || candidates.contains(n));
    if (schedulerLeft && !inFlight.isEmpty()) {
      LOG.info("A scheduler node left the cluster: re-sending {} requests to the active scheduler", inFlight.size());
      List<Promise<?>> failing = List.copyOf(inFlight);
      inFlight.clear();
      failing.forEach(p -> p.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, SCHEDULER_LEFT,
          "the scheduler node left the cluster")));
    }
    if (!left.isEmpty()) {
      readCandidates();
    }
  }
}
