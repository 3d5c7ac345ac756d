package dev.vxcc.daemon.local;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Machine-wide concurrency for work that runs here: compiles (heavy) and preprocessing
 * (lightweight, which may use extra slots because it is short and mostly I/O). Permissions are
 * held by wrapper PIDs, so a wrapper that dies is found and its slot reclaimed. Confined to one
 * event loop; time comes from the injected clock (or, for the deadline forms, from the caller).
 */
public final class LocalQuota {
  private record Waiter(long pid, boolean light, long deadline, Promise<Boolean> promise) {}

  private final InstantSource clock;
  private final int maxHeavy;
  private final int maxTotal;
  private final Map<Long, Boolean> holders = new HashMap<>();
  private final Deque<Waiter> waiters = new ArrayDeque<>();

  public LocalQuota(int maxHeavy, int extraLight) {
    this(maxHeavy, extraLight, InstantSource.system());
  }

  public LocalQuota(int maxHeavy, int extraLight, InstantSource clock) {
    this.clock = clock;
    if (maxHeavy < 1 || extraLight < 0) {
      throw new IllegalArgumentException("quota needs at least one slot");
    }
    this.maxHeavy = maxHeavy;
    this.maxTotal = maxHeavy + extraLight;
  }

  private boolean fits(boolean light) {
    return holders.size() < (light ? maxTotal : maxHeavy);
  }

  /** Grants at once if a slot is free (or the PID already holds one); never waits. */
  public boolean tryAcquire(long pid, boolean light) {
    if (holders.containsKey(pid)) {
      return true;
    }
    // Waiters go first, or a stream of new requests could starve them.
    if (waiters.isEmpty() && fits(light)) {
      holders.put(pid, light);
      return true;
    }
    return false;
  }

  /** Completes with true once granted, or false at the deadline (see {@link #expire}). */
  public Future<Boolean> acquire(long pid, boolean light, long deadline) {
    if (tryAcquire(pid, light)) {
      return Future.succeededFuture(true);
    }
    Waiter w = new Waiter(pid, light, deadline, Promise.promise());
    waiters.addLast(w);
    return w.promise().future();
  }

  /** Completes with true once granted, or false once {@code waitMs} passed by the clock (see {@link #expireDue}). */
  public Future<Boolean> acquireWithin(long pid, boolean light, long waitMs) {
    return acquire(pid, light, clock.millis() + waitMs);
  }

  /** Refuses the waiters whose deadline has passed by the clock. */
  public void expireDue() {
    expire(clock.millis());
  }

  public void release(long pid) {
    if (holders.remove(pid) != null) {
      wake();
    }
  }

  /** Drops permissions of PIDs that are gone; returns how many. */
  public int reclaim(LongPredicate alive) {
    int before = holders.size();
    holders.keySet().removeIf(pid -> !alive.test(pid));
    waiters.removeIf(w -> {
      if (!alive.test(w.pid())) {
        w.promise().tryComplete(false);
        return true;
      }
      return false;
    });
    int dropped = before - holders.size();
    if (dropped > 0) {
      wake();
    }
    return dropped;
  }

  public void expire(long now) {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.deadline() <= now) {
        it.remove();
        w.promise().tryComplete(false);
      }
    }
  }

  /** A freed slot goes to the first waiter that fits: a light one may pass a heavy one that can't. */
  private void wake() {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (holders.containsKey(w.pid()) || fits(w.light())) {
        it.remove();
        holders.put(w.pid(), w.light());
        w.promise().tryComplete(true);
      }
    }
  }

  public boolean holds(long pid) {
    return holders.containsKey(pid);
  }

  public int holders() {
    return holders.size();
  }

  public int maxHeavy() {
    return maxHeavy;
  }

  public List<Long> pids() {
    return List.copyOf(holders.keySet());
  }

  public long waiting(boolean light) {
    return waiters.stream().filter(w -> w.light() == light).count();
  }
}
