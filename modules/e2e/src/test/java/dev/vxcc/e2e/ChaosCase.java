package dev.vxcc.e2e;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import io.vertx.core.json.JsonArray;
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
    PARTITION("servant partitioned 20 s (iptables), healed"),
    CACHE_DISK_FULL("cache store on a 1 MiB tmpfs");

    final String what;

    Fault(String what) {
      this.what = what;
    }

    static Fault named(String name) {
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
    String unavailable = switch (fault) {
      case PARTITION -> ChaosFaults.partitionUnavailable();
      default -> null;
    };
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
    try (LoopbackCluster cluster = new LoopbackCluster(E2e.dist(), dir.resolve("logs"), 16)) {
      return run(fault, dir, store, cluster);
    } finally {
      if (fault == Fault.CACHE_DISK_FULL) {
        ChaosFaults.unmount(store);
      }
    }
  }

  private Row run(Fault fault, Path dir, Path store, LoopbackCluster cluster) throws Exception {
    List<NodeProcess> schedulers = new ArrayList<>();
    schedulers.add(cluster.start("scheduler", LoopbackCluster.config("sched", 0)));
    // Killing the only scheduler tests nothing but the fall-back: that case always gets a standby.
    if (standby || fault == Fault.SCHEDULER_KILL || fault == Fault.SCHEDULER_STOP) {
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
    ChaosFaults.Partition partition = null;
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
            notes.add(followed(client, List.of(victim, other), old, System.currentTimeMillis()));
          }
          case CACHE_STOP -> {
            healedAt = freeze(cache, make);
            notes.add(cacheAnswers(client, List.of(victim, other), healedAt));
            notes.add(mergedBack(cache, healedAt));
          }
          case DAEMON_KILL -> client.kill();
          case DAEMON_STOP -> {
            healedAt = freeze(client, make);
            notes.add(viewFresh(client, List.of(victim, other), healedAt));
            notes.add(mergedBack(client, healedAt));
          }
          case PARTITION -> {
            partition = new ChaosFaults.Partition(victim);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PARTITION_MS);
            while (System.nanoTime() < until && !make.awaitExit(1_000)) {
              partition.refresh();
            }
            notes.add(partition.ports() + " ports cut");
            partition.close();
            partition = null;
            long healed = System.currentTimeMillis();
            E2e.awaitServantAt(client.localApi(), victim.info("serving"));
            notes.add(String.format(java.util.Locale.ROOT, "servant back in the client's view %.1f s after healing",
                (System.currentTimeMillis() - healed) / 1000.0));
            healedAt = healed;
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
      if (partition != null) {
        partition.close();
      }
      if (make.alive()) {
        make.kill();
      }
    }
  }

  /**
   * How long after the restarted cache node was ready every cache client had moved to it: the
   * client's delegate, and each servant node's delegate and servant (which puts), from their stats.
   */
  private static String followed(NodeProcess client, List<NodeProcess> servants, Object old, long since) throws Exception {
    boolean all = E2e.pollUntil(60_000, () -> {
      boolean moved = moved(E2e.stats(client.localApi()).getJsonObject("cache"), old);
      for (NodeProcess s : servants) {
        JsonObject st = E2e.stats(s.localApi());
        moved &= moved(st.getJsonObject("cache"), old) && moved(st.getJsonObject("servant", new JsonObject()).getJsonObject("cache"), old);
      }
      return moved;
    });
    return all ? String.format(java.util.Locale.ROOT, "every delegate and servant on the restarted cache %.1f s after it was ready",
        (System.currentTimeMillis() - since) / 1000.0) : "NOT every delegate and servant on the restarted cache within 60 s";
  }

  private static boolean moved(JsonObject cacheStats, Object old) {
    Object now = cacheStats == null ? null : cacheStats.getValue("location");
    return now != null && !now.equals(old);
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
   * How long after SIGCONT the resumed client daemon had a view from the scheduler again (taken
   * after the resume) listing both servants, trusted: until then its compiles run locally.
   */
  private static String viewFresh(NodeProcess client, List<NodeProcess> servants, long resumed) throws Exception {
    boolean fresh = E2e.pollUntil(60_000, () -> {
      JsonObject st = E2e.stats(client.localApi());
      long age = st.getLong("clusterViewAgeMs", -1L);
      if (age < 0 || age >= System.currentTimeMillis() - resumed) {
        return false;
      }
      JsonArray view = st.getJsonArray("cluster", new JsonArray());
      return servants.stream().allMatch(s -> view.stream().map(o -> (JsonObject) o)
          .anyMatch(v -> s.info("serving").equals(v.getString("location")) && !v.getBoolean("suspect", false)));
    });
    return fresh ? String.format(java.util.Locale.ROOT, "client daemon's view fresh again (both servants, trusted) %.1f s after SIGCONT",
        (System.currentTimeMillis() - resumed) / 1000.0) : "client daemon's view NOT fresh within 60 s of SIGCONT";
  }

  /**
   * How long after SIGCONT the resumed node merged back into the others' cluster (Hazelcast's own
   * log line): the others dropped it after 8 s of silence, and it may first drop them in turn
   * (their heartbeats reach it expired), which stales its event bus again until the merge.
   */
  private static String mergedBack(NodeProcess node, long resumed) throws Exception {
    java.util.concurrent.atomic.AtomicLong at = new java.util.concurrent.atomic.AtomicLong();
    boolean merged = E2e.pollUntil(60_000, () -> {
      ChaosChecks.firstAfter(ChaosChecks.times(List.of(node), ChaosChecks.MERGING), resumed).ifPresent(at::set);
      return at.get() > 0;
    });
    return merged
        ? String.format(java.util.Locale.ROOT, "merged back into the cluster %.1f s after SIGCONT", (at.get() - resumed) / 1000.0)
        : "no merge logged within 60 s of SIGCONT (the pause may have been too short to be dropped)";
  }

  /**
   * How long after SIGCONT the resumed cache answered every cache client: each delegate fetched
   * its Bloom filter again (asked after the resume), and each servant knows where it is (to put).
   */
  private static String cacheAnswers(NodeProcess client, List<NodeProcess> servants, long resumed) throws Exception {
    boolean all = E2e.pollUntil(60_000, () -> {
      boolean ok = answered(E2e.stats(client.localApi()).getJsonObject("cache"), resumed);
      for (NodeProcess s : servants) {
        JsonObject st = E2e.stats(s.localApi());
        ok &= answered(st.getJsonObject("cache"), resumed)
            && st.getJsonObject("servant", new JsonObject()).getJsonObject("cache", new JsonObject()).getValue("location") != null;
      }
      return ok;
    });
    return all ? String.format(java.util.Locale.ROOT, "every delegate and servant on the resumed cache %.1f s after SIGCONT",
        (System.currentTimeMillis() - resumed) / 1000.0) : "NOT every delegate and servant on the resumed cache within 60 s of SIGCONT";
  }

  private static boolean answered(JsonObject cacheStats, long since) {
    return cacheStats != null && cacheStats.getValue("location") != null && cacheStats.getLong("bloomFetchedAt", 0L) >= since;
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
