package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Reads already-completed futures of the dispatcher, which completes them inline. */
final class Outcomes {
  private Outcomes() {}

  static List<Grant> grants(CompletableFuture<GrantReply> f) {
    assertTrue(f.isDone(), "grant request is still waiting");
    return f.join().grants();
  }

  static String servantOf(CompletableFuture<GrantReply> f) {
    List<Grant> g = grants(f);
    assertTrue(g.size() == 1, "expected exactly one grant, got " + g);
    return g.get(0).servantId();
  }

  static SchedulerException failure(CompletableFuture<?> f) {
    assertTrue(f.isDone(), "request is still waiting");
    try {
      f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SchedulerException s) {
        return s;
      }
      throw e;
    }
    return fail("expected a failure, got " + f.join());
  }
}
