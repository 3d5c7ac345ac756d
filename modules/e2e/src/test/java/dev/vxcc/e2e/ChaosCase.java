package dev.vxcc.e2e;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One case of the chaos suite: a fresh loopback cluster of separate JVMs (scheduler, cache node,
 * a client daemon that serves nothing, two servants), a real project built through it with the
 * fault injected once the build is under way, and a row saying how it went. Objects are compared
 * with a local build's; the counters come from the client daemon's {@code vxcc --stats --json}.
 */
final class ChaosCase {
  /** What a case does to the cluster; {@link #NONE} is the fault-free build the others are timed against. */
  enum Fault {
    NONE("none"),
    SERVANT_KILL("servant kill -9"),
    SERVANT_STOP("servant SIGSTOP 40 s"),
    SCHEDULER_KILL("active scheduler kill -9 every 20 s"),
    SCHEDULER_STOP("active scheduler SIGSTOP 20 s"),
    CACHE_KILL("cache node kill -9, restarted"),
    CACHE_STOP("cache node SIGSTOP 20 s"),
    DAEMON_KILL("client daemon kill -9"),
    DAEMON_STOP("client daemon SIGSTOP 20 s"),
    SERVANT_PARTITION("servant partitioned 20 s (iptables), healed"),
    SCHEDULER_PARTITION("active scheduler partitioned 20 s (iptables), healed"),
    CACHE_PARTITION("cache node partitioned 20 s (iptables), healed"),
    DAEMON_PARTITION("client daemon partitioned 20 s (iptables), healed"),
    CACHE_DISK_FULL("cache store on a 1 MiB tmpfs");

    final String what;

    Fault(String what) {
      this.what = what;
    }

    boolean partition() {
      return name().endsWith("_PARTITION");
    }

    /** By its bench/chaos.sh name ({@code servant-kill}, {@code cache-partition}); plain {@code partition} is the servant's. */
    static Fault named(String name) {
      if (name.trim().equalsIgnoreCase("partition")) {
        return SERVANT_PARTITION;
      }
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  record Row(Fault fault, String outcome, long millis, JsonObject stats, String note) {
    boolean failed() {
      return outcome.startsWith("FAIL");
    }
  }

  static final long STOP_MS = 40_000;
  static final long PARTITION_MS = 20_000;
  static final long SCHEDULER_KILL_PERIOD_MS = 20_000;
  static final long SCHEDULER_STOP_MS = 20_000;
  /** Long enough for Hazelcast to drop the frozen member (8 s) and for every wrapper's own timeout (15 s). */
  static final long NODE_STOP_MS = 20_000;
  /**
   * After a partition heals, reconnect attempts must have stopped by then: the README's bound for a
   * consistent view (max.no.heartbeat 8 s + merge every 5 s + the merge) with room for a loaded machine.
   */
  static final long HEAL_BOUND_MS = 30_000;

  private final ChaosProject project;
  private final Path work;
  private final boolean standby;
  private final boolean lite;

  ChaosCase(ChaosProject project, Path work, boolean standby, boolean lite) {
    this.project = project;
    this.work = work;
    this.standby = standby;
    this.lite = lite;
  }

  /** A daemon node, as a lite member when the suite runs daemons the way the README deploys them. */
  private NodeProcess daemon(LoopbackCluster cluster, String host, int slots) throws java.io.IOException {
    JsonObject c = LoopbackCluster.config(host, slots);
    return lite ? cluster.startLiteMember("daemon", c) : cluster.start("daemon", c);
  }

  Row run(Fault fault) throws Exception {
    String unavailable = fault.partition() ? ChaosFaults.partitionUnavailable() : null;
    if (unavailable != null) {
      return new Row(fault, "SKIPPED", 0, new JsonObject(), unavailable);
    }
    Path dir = Files.createDirectories(work.resolve(fault.name().toLowerCase(java.util.Locale.ROOT)));
    Path store = Files.createDirectories(dir.resolve("cache-store"));
    if (fault == Fault.CACHE_DISK_FULL) {
      String why = ChaosFaults.mountSmallTmpfs(store, "1m");
      if (why != null) {
        return new Row(fault, "SKIPPED", 0, new JsonObject(), why);
      }
    }
    try (LoopbackCluster cluster = new LoopbackCluster(E2e.dist(), dir.resolve("logs"), slots(fault))) {
      return run(fault, dir, store, cluster);
    } finally {
      if (fault == Fault.CACHE_DISK_FULL) {
        ChaosFaults.unmount(store);
      }
    }
  }

  /**
   * Member addresses for the case's nodes and no more: every member lists them all, and Hazelcast's
   * split-brain search waits up to 5 s on each listed address nobody answers on, so idle slots
   * would stretch every merge after a freeze or a partition by that much each.
   */
  private int slots(Fault fault) {
    return switch (fault) {
      case SCHEDULER_KILL -> 16; // a new standby after each kill, one every 20 s of the build
      case CACHE_KILL -> 6 + (standby ? 1 : 0); // the cache restarts at a new address
      default -> 5 + (standby || fault == Fault.SCHEDULER_STOP || fault == Fault.SCHEDULER_PARTITION ? 1 : 0);
    };
  }

  private Row run(Fault fault, Path dir, Path store, LoopbackCluster cluster) throws Exception {
    List<NodeProcess> schedulers = new ArrayList<>();
    schedulers.add(cluster.start("scheduler", LoopbackCluster.config("sched", 0)));
    // Killing the only scheduler tests nothing but the fall-back: that case always gets a standby.
    if (standby || fault == Fault.SCHEDULER_KILL || fault == Fault.SCHEDULER_STOP || fault == Fault.SCHEDULER_PARTITION) {
      schedulers.add(cluster.start("scheduler", LoopbackCluster.config("sched-standby", 0)));
    }
    NodeProcess cache = cluster.start("cache", LoopbackCluster.cacheConfig(store, 64L << 20));
    NodeProcess client = daemon(cluster, "client", 0);
    NodeProcess victim = daemon(cluster, "servant-1", 2);
    NodeProcess other = daemon(cluster, "servant-2", 2);
    E2e.awaitServantAt(client.localApi(), victim.info("serving"));
    E2e.awaitServantAt(client.localApi(), other.info("serving"));

    Path build = dir.resolve("build");
    Path links = E2e.symlinks(dir);
    Map<String, String> env = E2e.env(links, client.localApi());
    project.configure(build, links.resolve("g++").toString(), env);
    Commands.Async make = Commands.start(build, env, project.make());
    List<String> notes = new ArrayList<>();
    long started = System.nanoTime();
    boolean injected = fault == Fault.NONE || fault == Fault.CACHE_DISK_FULL || awaitUnderWay(make, client, victim.info("serving"));
    if (!injected) {
      notes.add("the build ended before the fault could be injected");
    }
    long healedAt = 0;
    try {
      if (injected) {
        switch (fault) {
          case SERVANT_KILL -> victim.kill();
          case SERVANT_STOP -> {
            ChaosFaults.signal(victim, "STOP");
            make.awaitExit(STOP_MS);
            ChaosFaults.signal(victim, "CONT");
            long resumed = System.currentTimeMillis();
            try {
              E2e.awaitServantTrustedAt(client.localApi(), victim.info("serving"));
              notes.add(String.format(java.util.Locale.ROOT, "servant back in the client's view (not suspect) %.1f s after SIGCONT",
                  (System.currentTimeMillis() - resumed) / 1000.0));
            } catch (AssertionError e) {
              notes.add("servant NOT back in the client's view within 60 s of SIGCONT");
            }
            healedAt = resumed;
          }
          case SCHEDULER_KILL -> {
            List<NodeProcess> every = new ArrayList<>(schedulers);
            List<Long> kills = new ArrayList<>();
            while (!make.awaitExit(SCHEDULER_KILL_PERIOD_MS)) {
              // The oldest is the active one: each replacement starts as a standby behind the others.
              NodeProcess active = schedulers.removeFirst();
              kills.add(System.currentTimeMillis());
              active.kill();
              NodeProcess next = cluster.start("scheduler", LoopbackCluster.config("sched-" + every.size(), 0));
              schedulers.add(next);
              every.add(next);
            }
            List<Long> took = ChaosChecks.failovers(kills, ChaosChecks.times(every, ChaosChecks.TOOK_OVER));
            notes.add(kills.size() + " kills; failover ms " + took);
          }
          case SCHEDULER_STOP -> {
            // Silent: no connection closes, so only the missing heartbeats tell the standby.
            NodeProcess active = schedulers.getFirst();
            long stopped = System.currentTimeMillis();
            ChaosFaults.signal(active, "STOP");
            make.awaitExit(SCHEDULER_STOP_MS);
            ChaosFaults.signal(active, "CONT");
            List<Long> took = ChaosChecks.failovers(List.of(stopped), ChaosChecks.times(schedulers.subList(1, schedulers.size()), ChaosChecks.TOOK_OVER));
            notes.add("standby active " + took.getFirst() + " ms after the SIGSTOP");
          }
          case CACHE_KILL -> {
            Object old = E2e.stats(client.localApi()).getJsonObject("cache", new JsonObject()).getValue("location");
            cache.kill();
            cache = cluster.start("cache", LoopbackCluster.cacheConfig(store, 64L << 20));
            notes.add(ChaosNotes.followed(client, List.of(victim, other), old, System.currentTimeMillis()));
          }
          case CACHE_STOP -> {
            healedAt = freeze(cache, make);
            ChaosNotes.Since resumed = new ChaosNotes.Since(healedAt, "SIGCONT");
            notes.add(ChaosNotes.cacheAnswers(client, List.of(victim, other), resumed));
            notes.add(ChaosNotes.mergedBack(cache, resumed));
          }
          case DAEMON_KILL -> client.kill();
          case DAEMON_STOP -> {
            healedAt = freeze(client, make);
            ChaosNotes.Since resumed = new ChaosNotes.Since(healedAt, "SIGCONT");
            notes.add(ChaosNotes.viewFresh(client, List.of(victim, other), resumed));
            notes.add(ChaosNotes.mergedBack(client, resumed));
          }
          case SERVANT_PARTITION -> {
            healedAt = cutOff(victim, make, notes);
            E2e.awaitServantAt(client.localApi(), victim.info("serving"));
            notes.add(String.format(java.util.Locale.ROOT, "servant back in the client's view %.1f s after healing",
                (System.currentTimeMillis() - healedAt) / 1000.0));
            notes.add(ChaosNotes.mergedBack(victim, new ChaosNotes.Since(healedAt, "healing")));
          }
          case SCHEDULER_PARTITION -> {
            NodeProcess active = schedulers.getFirst();
            long cut = System.currentTimeMillis();
            healedAt = cutOff(active, make, notes);
            ChaosNotes.Since healed = new ChaosNotes.Since(healedAt, "healing");
            List<Long> took = ChaosChecks.failovers(List.of(cut), ChaosChecks.times(schedulers.subList(1, schedulers.size()), ChaosChecks.TOOK_OVER));
            notes.add("standby active " + took.getFirst() + " ms after the cut");
            notes.add(ChaosNotes.viewFresh(client, List.of(victim, other), healed));
            notes.add(ChaosNotes.mergedBack(active, healed));
            notes.add(ChaosNotes.stoodBy(active, healed));
          }
          case CACHE_PARTITION -> {
            healedAt = cutOff(cache, make, notes);
            ChaosNotes.Since healed = new ChaosNotes.Since(healedAt, "healing");
            notes.add(ChaosNotes.cacheAnswers(client, List.of(victim, other), healed));
            notes.add(ChaosNotes.mergedBack(cache, healed));
          }
          case DAEMON_PARTITION -> {
            healedAt = cutOff(client, make, notes);
            ChaosNotes.Since healed = new ChaosNotes.Since(healedAt, "healing");
            notes.add(ChaosNotes.viewFresh(client, List.of(victim, other), healed));
            notes.add(ChaosNotes.mergedBack(client, healed));
          }
          default -> { }
        }
      }
      Commands.Result r = make.await(1800);
      long millis = (System.nanoTime() - started) / 1_000_000;
      if (healedAt > 0) {
        List<Long> reconnects = ChaosChecks.times(cluster.nodes(), ChaosChecks.RECONNECT_FAILED);
        notes.add(ChaosChecks.after(reconnects, healedAt) + " failed event-bus reconnects after healing or SIGCONT, "
            + ChaosChecks.after(reconnects, healedAt + HEAL_BOUND_MS) + " of them later than " + HEAL_BOUND_MS / 1000 + " s");
      }
      if ((fault == Fault.CACHE_DISK_FULL || fault == Fault.CACHE_KILL) && !cache.alive()) {
        return new Row(fault, "FAIL: the cache node died", millis, new JsonObject(), NodeProcess.tail(cache.log()));
      }
      JsonObject stats = client.alive() ? E2e.stats(client.localApi()) : new JsonObject();
      if (r.exit() != 0) {
        return new Row(fault, "FAIL: build exit " + r.exit(), millis, stats, tail(r.stderr()));
      }
      try {
        E2e.assertIdentical(project.expected(), E2e.objects(build), fault.what);
      } catch (AssertionError e) {
        return new Row(fault, "FAIL: objects differ", millis, stats, e.getMessage());
      }
      return new Row(fault, injected ? "PASS" : "INVALID", millis, stats, String.join("; ", notes));
    } finally {
      if (make.alive()) {
        make.kill();
      }
    }
  }

  /**
   * Cuts the node off for {@link #PARTITION_MS} or until the build ends ({@link ChaosFaults.Partition};
   * its wrappers' Unix socket stays, as on a real machine), then heals; returns when healing began
   * (epoch ms).
   */
  private static long cutOff(NodeProcess node, Commands.Async make, List<String> notes) throws Exception {
    ChaosFaults.Partition partition = new ChaosFaults.Partition(node);
    long healing;
    try {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PARTITION_MS);
      while (System.nanoTime() < until && !make.awaitExit(1_000)) {
        partition.refresh();
      }
      notes.add(partition.ports() + " ports cut" + (partition.whole() ? ", and all it sent" : ", its new connections from the next refresh"));
    } finally {
      // Healing starts with the first rule removed (removing them all takes a few seconds on a
      // loaded machine, and the node may merge back meanwhile): the notes count from here.
      healing = System.currentTimeMillis();
      partition.close();
    }
    return healing;
  }

  /** SIGSTOP for {@link #NODE_STOP_MS} or until the build ends, then SIGCONT; returns when it was resumed (epoch ms). */
  private static long freeze(NodeProcess node, Commands.Async make) throws Exception {
    ChaosFaults.signal(node, "STOP");
    try {
      make.awaitExit(NODE_STOP_MS);
    } finally {
      ChaosFaults.signal(node, "CONT");
    }
    return System.currentTimeMillis();
  }

  /**
   * Until the victim servant ran a task of this build (for faults elsewhere, until a few tasks ran
   * remotely): there is no event across processes to await, so this polls, bounded by the build.
   */
  private static boolean awaitUnderWay(Commands.Async make, NodeProcess client, String victim) throws Exception {
    while (make.alive()) {
      JsonObject s = E2e.stats(client.localApi());
      if (s.getJsonObject("remoteByServant", new JsonObject()).getLong(victim, 0L) >= 1 && s.getLong("remote", 0L) >= 3) {
        return true;
      }
      make.awaitExit(250);
    }
    return false;
  }

  private static String tail(String s) {
    return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
  }
}
