package dev.vxcc.scheduler;

import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
  /** Waiting requests per token, so that the per-token bound costs no scan of the queue. */
  private final Map<String, Integer> perToken = new HashMap<>();

  Waiter add(GrantRequest request, Instant deadline) {
    Waiter w = new Waiter(request, deadline, new CompletableFuture<>());
    queue.addLast(w);
    perToken.merge(request.token(), 1, Integer::sum);
    return w;
  }

  int waitingFor(String token) {
    return perToken.getOrDefault(token, 0);
  }

  /** Removes, in FIFO order, every waiter the predicate accepts; the predicate may change scheduler state. */
  List<Waiter> removeIf(Predicate<Waiter> take) {
    List<Waiter> out = new ArrayList<>();
    for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (take.test(w)) {
        it.remove();
        forget(w);
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
    perToken.clear();
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

  private void forget(Waiter w) {
    perToken.computeIfPresent(w.request().token(), (t, n) -> n > 1 ? n - 1 : null);
  }
}
