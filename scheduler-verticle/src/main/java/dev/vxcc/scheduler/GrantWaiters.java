package dev.vxcc.scheduler;

import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Grant requests that found no free slot, oldest first, so that the request that waited longest gets
 * the next slot. The queue never completes a future itself: callers collect what to complete and do it
 * after the scheduler state is consistent again, because completion runs the waiter's callbacks inline.
 * Not thread-safe.
 */
final class GrantWaiters {
  record Waiter(GrantRequest request, Instant deadline, CompletableFuture<GrantReply> reply) {}

  private final Deque<Waiter> queue = new ArrayDeque<>();

  Waiter add(GrantRequest request, Instant deadline) {
    Waiter w = new Waiter(request, deadline, new CompletableFuture<>());
    queue.addLast(w);
    return w;
  }

  /** Removes, in FIFO order, every waiter the predicate accepts; the predicate may change scheduler state. */
  List<Waiter> removeIf(Predicate<Waiter> take) {
    List<Waiter> out = new ArrayList<>();
    for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (take.test(w)) {
        it.remove();
        out.add(w);
      }
    }
    return out;
  }

  List<Waiter> removeDue(Instant now) {
    return removeIf(w -> !now.isBefore(w.deadline()));
  }

  List<Waiter> removeAll() {
    List<Waiter> out = new ArrayList<>(queue);
    queue.clear();
    return out;
  }

  Optional<Instant> earliestDeadline() {
    return queue.stream().map(Waiter::deadline).min(Instant::compareTo);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }
}
