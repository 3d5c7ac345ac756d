package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.KeepAliveReply;
import io.vertx.core.Future;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of the grants our jobs hold alive at the scheduler, all in one batched call per
 * tick, and cancels a job whose grant could not be renewed for long (the scheduler has given its
 * slot away by then). Confined to the delegate's event loop.
 */
final class LeaseRenewal {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewal.class);

  private static final class Held {
    final Cancellation cancel;
    long lastRenewed;

    Held(Cancellation cancel, long lastRenewed) {
      this.cancel = cancel;
      this.lastRenewed = lastRenewed;
    }
  }

  private final InstantSource clock;
  private final long leaseMs;
  private final long lostAfterMs;
  /** The scheduler call: grant ids and lease in, which of them are still ours out. */
  private final BiFunction<List<Long>, Long, Future<KeepAliveReply>> keepAlive;
  private final Map<Long, Held> held = new LinkedHashMap<>();

  LeaseRenewal(InstantSource clock, long leaseMs, long lostAfterMs, BiFunction<List<Long>, Long, Future<KeepAliveReply>> keepAlive) {
    this.clock = clock;
    this.leaseMs = leaseMs;
    this.lostAfterMs = lostAfterMs;
    this.keepAlive = keepAlive;
  }

  /** From now on, {@code grantId} is renewed until {@link #release}; losing it cancels {@code cancel}. */
  void hold(long grantId, Cancellation cancel) {
    held.put(grantId, new Held(cancel, clock.millis()));
  }

  void release(long grantId) {
    held.remove(grantId);
  }

  int size() {
    return held.size();
  }

  /** Timer: renews every held grant in one call; cancels jobs whose lease could not be renewed for long. */
  Future<Void> renew() {
    long now = clock.millis();
    List<Long> ids = new ArrayList<>();
    held.forEach((id, h) -> {
      if (now - h.lastRenewed > lostAfterMs) {
        h.cancel.cancel("grant " + id + " could not be renewed for " + lostAfterMs / 1000 + " s");
      } else {
        ids.add(id);
      }
    });
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return keepAlive.apply(ids, leaseMs)
        .onSuccess(r -> {
          for (int i = 0; i < ids.size() && i < r.alive().size(); i++) {
            Held h = held.get(ids.get(i));
            if (h != null && Boolean.TRUE.equals(r.alive().get(i))) {
              h.lastRenewed = now;
            }
          }
        })
        .onFailure(e -> LOG.debug("keep-alive failed: {}", e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Daemon stopping: every job still holding a grant is cancelled. */
  void cancelAll(String why) {
    List.copyOf(held.values()).forEach(h -> h.cancel.cancel(why));
  }
}
