package dev.vxcc.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.scheduler.SchedulerConfig;
import dev.vxcc.scheduler.SchedulerVerticle;
import dev.vxcc.scheduler.TaskDispatcher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler alone: grant+free pairs per second while thousands of simulated servants heartbeat
 * once a second, and the CPU that takes.
 *
 * <p>{@code direct}: one thread drives {@link TaskDispatcher} as the verticle would (it must be used
 * from one thread): heartbeats paced at SERVANTS per second, each reporting the grants its servant
 * holds; grant requests (immediate 1) kept at INFLIGHT outstanding grants, the oldest freed as each new
 * one arrives; a sweep and a keep-alive of every held grant once a second. Then the cluster view's
 * cost, built and encoded as each delegate fetches it every second.
 *
 * <p>{@code bus}: the real {@link SchedulerVerticle} on a local (non-clustered) Vert.x event bus, with
 * JSON encoding as in production; CLIENTS concurrent loops of grant request then free, while a
 * timer sends SERVANTS heartbeats per second (empty task lists). Hazelcast serialization and the
 * network are not included.
 *
 * <p>Prints KEY=VALUE lines. Usage: SchedulerBench direct|bus [servants=5000] [slots=16]
 * [seconds=5] [warmup=2] [inflight=256] [clients=64]
 */
public final class SchedulerBench {
  private static final String TOKEN = "bench";
  private static final String DIGEST = "bench-compiler-digest";
  private static final long GIB = 1L << 30;

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "direct";
    Map<String, Integer> o = new HashMap<>(Map.of("servants", 5000, "slots", 16, "seconds", 5, "warmup", 2,
        "inflight", 256, "clients", 64));
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      o.put(kv[0], Integer.parseInt(kv[1]));
    }
    System.out.println("mode=" + mode);
    o.forEach((k, v) -> System.out.println(k + "=" + v));
    switch (mode) {
      case "direct" -> direct(o.get("servants"), o.get("slots"), o.get("seconds"), o.get("warmup"), o.get("inflight"));
      case "bus" -> bus(o.get("servants"), o.get("slots"), o.get("seconds"), o.get("warmup"), o.get("clients"));
      default -> throw new IllegalArgumentException("mode must be direct or bus");
    }
  }

  static ServantHeartbeat heartbeat(int i, int slots, List<RunningTask> running) {
    String loc = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":8335";
    return new ServantHeartbeat(TOKEN, "servant-" + i, loc, "host-" + i, 1, slots, slots, running.size(),
        64 * GIB, 32 * GIB, List.of(DIGEST), false, "", running, 10_000);
  }

  static GrantRequest grantRequest(int client) {
    return new GrantRequest(TOKEN, "client-" + client, DIGEST, 1, 0, 10_000, 15_000, 0);
  }

  // ---------------------------------------------------------------- direct
  static final class Phase {
    long pairs, heartbeats, waited, keepAlives;
    long grantNs, freeNs, heartbeatNs, sweepNs, keepAliveNs;
  }

  static void direct(int servants, int slots, int seconds, int warmup, int inflight) {
    SchedulerConfig config = new SchedulerConfig(Set.of(TOKEN), Set.of(TOKEN), 0, 10_000, 0, 1_000, 3_600_000,
        Integer.MAX_VALUE); // one token stands for every client here
    TaskDispatcher d = new TaskDispatcher(config, Clock.systemUTC());
    @SuppressWarnings("unchecked")
    List<RunningTask>[] held = new List[servants];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < servants; i++) {
      held[i] = new ArrayList<>();
      index.put("servant-" + i, i);
      d.heartbeat(heartbeat(i, slots, held[i]));
    }
    System.out.println("registered=" + servants + " capacity=" + (long) servants * slots);
    run(d, held, index, slots, warmup, inflight, new Phase());
    ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long gc0 = gcMillis(), cpu0 = tmx.getCurrentThreadCpuTime(), pcpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
    Phase p = new Phase();
    run(d, held, index, slots, seconds, inflight, p);
    long wall = System.nanoTime() - t0, cpu = tmx.getCurrentThreadCpuTime() - cpu0, pcpu = os.getProcessCpuTime() - pcpu0;
    double s = wall / 1e9;
    System.out.printf("wall_s=%.3f%n", s);
    System.out.printf("pairs_per_s=%.0f%n", p.pairs / s);
    System.out.printf("heartbeats_per_s=%.0f%n", p.heartbeats / s);
    System.out.printf("grant_us=%.2f%n", p.grantNs / 1e3 / Math.max(p.pairs, 1));
    System.out.printf("free_us=%.2f%n", p.freeNs / 1e3 / Math.max(p.pairs, 1));
    System.out.printf("heartbeat_us=%.2f%n", p.heartbeatNs / 1e3 / Math.max(p.heartbeats, 1));
    System.out.printf("sweep_keepalive_ms_per_s=%.2f%n", (p.sweepNs + p.keepAliveNs) / 1e6 / s);
    System.out.printf("waited=%d%n", p.waited);
    System.out.printf("thread_cpu_s=%.3f%n", cpu / 1e9);
    System.out.printf("thread_cpu_share=%.3f%n", cpu / (double) wall);
    System.out.printf("process_cpu_s=%.3f%n", pcpu / 1e9);
    System.out.printf("cpu_us_per_pair_incl_heartbeats=%.2f%n", cpu / 1e3 / Math.max(p.pairs, 1));
    System.out.printf("gc_ms=%d%n", gcMillis() - gc0);
    System.out.println("live_grants=" + d.liveGrants());
    view(d);
  }

  /**
   * The cluster view as a delegate gets it over a clustered bus (built, then encoded): every delegate
   * asks for it once a second, so the scheduler pays this per delegate per second, on the loop that
   * also grants.
   */
  private static void view(TaskDispatcher d) {
    int bytes = 0;
    for (int i = 0; i < 5; i++) {
      bytes = d.view(TOKEN).toJson().toBuffer().length();
    }
    int n = 20;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      bytes = d.view(TOKEN).toJson().toBuffer().length();
    }
    System.out.printf("view_ms=%.2f%n", (System.nanoTime() - t0) / 1e6 / n);
    System.out.println("view_bytes=" + bytes);
  }

  private static void run(TaskDispatcher d, List<RunningTask>[] held, Map<String, Integer> index, int slots,
      int seconds, int inflight, Phase p) {
    int servants = held.length;
    ArrayDeque<Grant> outstanding = new ArrayDeque<>();
    long start = System.nanoTime(), end = start + TimeUnit.SECONDS.toNanos(seconds), nextSecond = start + 1_000_000_000L;
    long hbSent = 0;
    int nextServant = 0, client = 0;
    long taskId = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      // heartbeats due at SERVANTS per second, round robin
      long due = (now - start) * servants / 1_000_000_000L;
      while (hbSent < due) {
        int i = nextServant;
        nextServant = (nextServant + 1) % servants;
        ServantHeartbeat hb = heartbeat(i, slots, List.copyOf(held[i]));
        long t = System.nanoTime();
        d.heartbeat(hb);
        p.heartbeatNs += System.nanoTime() - t;
        hbSent++;
        p.heartbeats++;
      }
      if (now >= nextSecond) {
        nextSecond += 1_000_000_000L;
        long t = System.nanoTime();
        d.sweep();
        long t1 = System.nanoTime();
        List<Long> ids = new ArrayList<>(outstanding.size());
        outstanding.forEach(g -> ids.add(g.grantId()));
        d.keepAlive(new KeepAliveRequest(TOKEN, ids, 15_000));
        p.sweepNs += t1 - t;
        p.keepAliveNs += System.nanoTime() - t1;
        p.keepAlives++;
      }
      for (int k = 0; k < 64; k++) {
        GrantRequest req = grantRequest(client);
        client = (client + 1) % 64;
        long t = System.nanoTime();
        CompletableFuture<GrantReply> f = d.waitForGrants(req);
        p.grantNs += System.nanoTime() - t;
        if (!f.isDone()) {
          p.waited++;
          d.failAllWaiters(0, "bench");
          continue;
        }
        Grant g = f.join().grants().get(0);
        outstanding.add(g);
        int si = index.get(g.servantId());
        held[si].add(new RunningTask(g.grantId(), ++taskId, g.location(), "t"));
        if (outstanding.size() > inflight) {
          Grant old = outstanding.poll();
          int oi = index.get(old.servantId());
          held[oi].removeIf(rt -> rt.grantId() == old.grantId());
          FreeRequest fr = new FreeRequest(TOKEN, List.of(old.grantId()));
          long t2 = System.nanoTime();
          d.free(fr);
          p.freeNs += System.nanoTime() - t2;
          p.pairs++;
        }
      }
    }
    // leave no grants behind for the next phase
    List<Long> ids = new ArrayList<>();
    outstanding.forEach(g -> ids.add(g.grantId()));
    d.free(new FreeRequest(TOKEN, ids));
    for (List<RunningTask> h : held) {
      h.clear();
    }
  }

  private static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(b.getCollectionTime(), 0);
    }
    return ms;
  }

  // ---------------------------------------------------------------- bus
  static void bus(int servants, int slots, int seconds, int warmup, int clients) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject conf = new JsonObject().put("scheduler", new JsonObject()
          .put("userTokens", new JsonArray().add(TOKEN)).put("servantTokens", new JsonArray().add(TOKEN))
          .put("servantMinMemoryBytes", 0).put("maxGrantsPerToken", Integer.MAX_VALUE));
      vertx.deployVerticle(new SchedulerVerticle(), new DeploymentOptions().setConfig(conf))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      DeliveryOptions opts = new DeliveryOptions().setSendTimeout(30_000);
      // register every servant, then keep them heartbeating: SERVANTS per second in 10 ms ticks
      List<CompletableFuture<?>> regs = new ArrayList<>();
      for (int i = 0; i < servants; i++) {
        regs.add(vertx.eventBus().request(Addresses.SCHEDULER_HEARTBEAT, heartbeat(i, slots, List.of()).toJson(), opts)
            .toCompletionStage().toCompletableFuture());
      }
      CompletableFuture.allOf(regs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      AtomicLong hbCount = new AtomicLong();
      int[] next = {0};
      long perTick = Math.max(1, servants / 100);
      vertx.setPeriodic(10, t -> {
        for (int k = 0; k < perTick; k++) {
          int i = next[0];
          next[0] = (next[0] + 1) % servants;
          vertx.eventBus().request(Addresses.SCHEDULER_HEARTBEAT, heartbeat(i, slots, List.of()).toJson(), opts)
              .onSuccess(m -> hbCount.incrementAndGet());
        }
      });
      AtomicLong pairs = new AtomicLong(), failures = new AtomicLong();
      boolean[] stop = {false};
      for (int c = 0; c < clients; c++) {
        loop(vertx, c, opts, pairs, failures, stop);
      }
      Thread.sleep(warmup * 1000L);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long p0 = pairs.get(), h0 = hbCount.get(), cpu0 = os.getProcessCpuTime(), gc0 = gcMillis(), t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long p1 = pairs.get(), h1 = hbCount.get(), cpu1 = os.getProcessCpuTime(), t1 = System.nanoTime();
      stop[0] = true;
      Thread.sleep(300);  // let the client loops drain before the event bus closes
      double s = (t1 - t0) / 1e9;
      System.out.printf("wall_s=%.3f%n", s);
      System.out.printf("pairs_per_s=%.0f%n", (p1 - p0) / s);
      System.out.printf("heartbeats_per_s=%.0f%n", (h1 - h0) / s);
      System.out.printf("process_cpu_s=%.3f%n", (cpu1 - cpu0) / 1e9);
      System.out.printf("process_cpu_share=%.3f%n", (cpu1 - cpu0) / 1e9 / s);
      System.out.printf("cpu_us_per_pair_incl_heartbeats=%.2f%n", (cpu1 - cpu0) / 1e3 / Math.max(p1 - p0, 1));
      System.out.printf("gc_ms=%d%n", gcMillis() - gc0);
      System.out.println("failures=" + failures.get());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void loop(Vertx vertx, int c, DeliveryOptions opts, AtomicLong pairs, AtomicLong failures, boolean[] stop) {
    if (stop[0]) {
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.SCHEDULER_GRANT, grantRequest(c).toJson(), opts)
        .compose(m -> {
          GrantReply r = GrantReply.fromJson(m.body());
          List<Long> ids = r.grants().stream().map(Grant::grantId).toList();
          return vertx.eventBus().request(Addresses.SCHEDULER_FREE, new FreeRequest(TOKEN, ids).toJson(), opts);
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            pairs.incrementAndGet();
          } else {
            failures.incrementAndGet();
          }
          loop(vertx, c, opts, pairs, failures, stop);
        });
  }
}
