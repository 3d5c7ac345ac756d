package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskTableTest {
  private static final PeerIdentity OWNER = new PeerIdentity(100, 1000, 1000);
  private final StepClock clock = new StepClock();
  private final TaskTable table = new TaskTable(clock, 60_000);

  private LocalTask task(PeerIdentity owner) {
    LocalTask t = new LocalTask(table.newId(), owner, Path.of("/usr/bin/gcc"), "digest", null, false, table.now());
    table.add(t);
    return t;
  }

  @Test
  void onlyTheOwningProcessGetsItsTask() {
    LocalTask t = task(OWNER);
    assertSame(t, table.owned(OWNER, t.id));
    assertNull(table.owned(OWNER, "no-such-task"));
    Refusal otherPid = assertThrows(Refusal.class, () -> table.owned(new PeerIdentity(101, 1000, 1000), t.id));
    assertEquals(403, otherPid.status);
    assertThrows(Refusal.class, () -> table.owned(new PeerIdentity(100, 1001, 1001), t.id), "a reused pid of another user");
  }

  @Test
  void idsAreNotSequential() {
    assertNotEquals(table.newId(), table.newId());
    assertEquals(32, table.newId().length());
  }

  @Test
  void tasksOfDeadWrappersAndTasksPastTheTimeoutAreAbandonedAndCancelled() {
    LocalTask slow = task(OWNER);
    clock.advanceMs(30_000);
    LocalTask young = task(new PeerIdentity(200, 1000, 1000));
    clock.advanceMs(30_001);
    table.expire(Set.of());
    assertTrue(slow.cancel.isCancelled(), "ran past the timeout");
    assertEquals("task ran past 60000 ms", slow.cancel.reason());
    assertFalse(young.cancel.isCancelled());
    assertEquals(1, table.size());
    table.expire(Set.of(200L));
    assertEquals("wrapper 200 exited", young.cancel.reason());
    assertEquals(0, table.size());
  }

  @Test
  void removingATaskDoesNotCancelItsWork() {
    LocalTask t = task(OWNER);
    assertEquals(List.of(100L), table.pids());
    table.remove(t);
    assertEquals(0, table.size());
    assertFalse(t.cancel.isCancelled(), "others may have joined the shared run");
    table.abandon(task(OWNER), "gone");
    assertEquals(0, table.size());
  }
}
