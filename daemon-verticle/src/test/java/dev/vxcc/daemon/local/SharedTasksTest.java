package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedTasksTest {
  private static final RemoteResult OK = new RemoteResult(0, new byte[0], new byte[0], Map.of(), "s:1");

  @Test
  void identicalTasksAtTheSameTimeRunOnce() {
    SharedTasks shared = new SharedTasks();
    List<Promise<RemoteResult>> started = new ArrayList<>();
    AtomicInteger joins = new AtomicInteger();
    List<Future<RemoteResult>> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      results.add(shared.run("d", new Cancellation(), c -> {
        Promise<RemoteResult> p = Promise.promise();
        started.add(p);
        return p.future();
      }, joins::incrementAndGet));
    }
    assertEquals(1, started.size());
    assertEquals(9, joins.get());
    started.get(0).complete(OK);
    results.forEach(f -> assertSame(OK, f.result()));
    assertEquals(0, shared.inFlight(), "a finished task is not joined again");
  }

  @Test
  void aStartThatThrowsFailsThatRunAndTheNextSubmissionStartsAfresh() {
    SharedTasks shared = new SharedTasks();
    Future<RemoteResult> failed = shared.run("d", new Cancellation(), c -> {
      throw new IllegalArgumentException("bad servant location");
    }, () -> {});
    assertTrue(failed.failed());
    assertEquals(0, shared.inFlight());
    AtomicInteger starts = new AtomicInteger();
    Future<RemoteResult> next = shared.run("d", new Cancellation(), c -> {
      starts.incrementAndGet();
      return Future.succeededFuture(OK);
    }, () -> {});
    assertEquals(1, starts.get());
    assertSame(OK, next.result());
  }

  @Test
  void differentDigestsDoNotShare() {
    SharedTasks shared = new SharedTasks();
    AtomicInteger starts = new AtomicInteger();
    shared.run("a", new Cancellation(), c -> { starts.incrementAndGet(); return Promise.<RemoteResult>promise().future(); }, () -> {});
    shared.run("b", new Cancellation(), c -> { starts.incrementAndGet(); return Promise.<RemoteResult>promise().future(); }, () -> {});
    assertEquals(2, starts.get());
  }

  @Test
  void theSharedRunIsCancelledOnlyWhenEverySubmitterGaveUp() {
    SharedTasks shared = new SharedTasks();
    Cancellation[] inner = new Cancellation[1];
    Cancellation first = new Cancellation();
    Cancellation second = new Cancellation();
    shared.run("d", first, c -> { inner[0] = c; return Promise.<RemoteResult>promise().future(); }, () -> {});
    shared.run("d", second, c -> Promise.<RemoteResult>promise().future(), () -> {});
    first.cancel("wrapper 1 exited");
    assertFalse(inner[0].isCancelled(), "the second submitter still waits");
    second.cancel("wrapper 2 exited");
    assertTrue(inner[0].isCancelled());
  }
}
