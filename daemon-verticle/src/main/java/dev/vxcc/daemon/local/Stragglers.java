package dev.vxcc.daemon.local;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Remote tasks being watched for straggling: each is due for a hedge once it runs past its
 * deadline, or at once when its servant is gone from the cluster view. Each is hedged at most once,
 * and at most {@code maxHedging} hedges run at a time, so a cluster that is slow as a whole is not
 * flooded with duplicates. Confined to the delegate's event loop.
 */
final class Stragglers {
  /** One task's first run on one servant. */
  static final class Watch {
    final String location;
    final long startedAt;
    final long deadline;
    final Runnable hedge;
    boolean hedged;

    private Watch(String location, long startedAt, long deadline, Runnable hedge) {
      this.location = location;
      this.startedAt = startedAt;
      this.deadline = deadline;
      this.hedge = hedge;
    }
  }

  private final InstantSource clock;
  private final int maxHedging;
  private final Set<Watch> watched = new LinkedHashSet<>();

  Stragglers(InstantSource clock, int maxHedging) {
    this.clock = clock;
    this.maxHedging = maxHedging;
  }

  /**
   * @param deadline epoch millis past which the task is a straggler; {@link Long#MAX_VALUE} when
   *     nothing is known about how long it should take (then only a vanished servant hedges it)
   */
  Watch watch(String location, long deadline, Runnable hedge) {
    Watch w = new Watch(location, clock.millis(), deadline, hedge);
    watched.add(w);
    return w;
  }

  /** The task ended (either way): it no longer needs, nor counts against, a hedge. */
  void unwatch(Watch w) {
    watched.remove(w);
  }

  /**
   * Marks the tasks to hedge now and returns them, oldest first, within the hedging budget.
   *
   * @param gone whether a servant has vanished from a view taken after the given time (millis)
   */
  List<Watch> due(BiPredicate<String, Long> gone) {
    long now = clock.millis();
    int budget = maxHedging - (int) watched.stream().filter(w -> w.hedged).count();
    List<Watch> out = new ArrayList<>();
    for (Watch w : watched) {
      if (budget <= 0) {
        break;
      }
      if (!w.hedged && (now >= w.deadline || gone.test(w.location, w.startedAt))) {
        w.hedged = true;
        out.add(w);
        budget--;
      }
    }
    return out;
  }

  int size() {
    return watched.size();
  }
}
