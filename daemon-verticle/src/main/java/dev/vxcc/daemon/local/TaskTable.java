package dev.vxcc.daemon.local;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compiles the delegate is distributing, by task id: who owns each, and when one is given up
 * (its wrapper died, it ran past the task timeout). Confined to the delegate's event loop.
 */
final class TaskTable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskTable.class);

  private final InstantSource clock;
  private final long taskTimeoutMs;
  private final TaskIds ids = new TaskIds();
  private final Map<String, LocalTask> tasks = new HashMap<>();

  TaskTable(InstantSource clock, long taskTimeoutMs) {
    this.clock = clock;
    this.taskTimeoutMs = taskTimeoutMs;
  }

  /** A fresh id nobody can guess. */
  String newId() {
    return ids.next();
  }

  long now() {
    return clock.millis();
  }

  void add(LocalTask t) {
    tasks.put(t.id, t);
  }

  /** The task {@code id}, if the caller owns it; null if there is none; Refusal 403 if someone else owns it. */
  LocalTask owned(PeerIdentity caller, String id) {
    LocalTask t = tasks.get(id);
    if (t != null && (t.pid != caller.pid() || t.uid != caller.uid())) {
      throw new Refusal(403, "task " + t.id + " belongs to another process");
    }
    return t;
  }

  /** The wrapper has its directive (or never will get one from us): forget the task. */
  void remove(LocalTask t) {
    tasks.remove(t.id);
  }

  /** Stops the remote work and forgets the task. */
  void abandon(LocalTask t, String why) {
    tasks.remove(t.id);
    t.cancel.cancel(why);
    LOG.info("task {} ({}) abandoned: {}", t.id, t.decision == null ? "-" : t.decision.sourcePath(), why);
  }

  /** The wrappers that own tasks, to check which are still alive. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    tasks.values().forEach(t -> pids.add(t.pid));
    return pids;
  }

  /** Timer: abandons the tasks of wrappers that died and those that ran past the task timeout. */
  void expire(Set<Long> deadPids) {
    long now = clock.millis();
    for (LocalTask t : List.copyOf(tasks.values())) {
      if (deadPids.contains(t.pid)) {
        abandon(t, "wrapper " + t.pid + " exited");
      } else if (now - t.createdAt > taskTimeoutMs) {
        abandon(t, "task ran past " + taskTimeoutMs + " ms");
      }
    }
  }

  int size() {
    return tasks.size();
  }
}
