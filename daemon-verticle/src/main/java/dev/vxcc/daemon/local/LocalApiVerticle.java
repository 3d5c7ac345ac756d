package dev.vxcc.daemon.local;

import dev.vxcc.common.NodeSecrets;
import dev.vxcc.common.metrics.Meters;
import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.PeriodicTask;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.InPlaceServant;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.common.util.ListenFailure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import dev.vxcc.common.ops.Drain;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.nio.file.Files;
import java.time.Clock;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delegate role: the HTTP API for wrappers on a Unix domain socket (callers are known by
 * their kernel credentials, see {@link PeerIdentity}), local concurrency control, and
 * distribution of their compiles over the cluster.
 */
public final class LocalApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LocalApiVerticle.class);

  /** Node-local map key of the counters that outlive a redeploy. */
  private static final String STATS_KEY = "delegate.stats";
  private final InstantSource clock;
  private DaemonConfig cfg;
  private LocalApiConfig api;
  private FileDigestService fileDigests;
  private LocalQuota quota;
  private ClusterViewKeeper cluster;
  private DistributedTaskRunner runner;
  private HedgeConfig hedging;
  private TaskTable tasks;
  private CompileFlow flow;
  private DelegateStats stats = new DelegateStats();
  private final FileDigestCache digests = new FileDigestCache();
  private GrpcClient grpc;
  private ResultCache cache;
  private HttpServer server;
  /** Behind the node's {@link LocalApiFront} rather than on our own socket. */
  private boolean fronted;
  private MessageConsumer<LocalCall> calls;
  private int inFlight;
  private Map<String, Route> routes;
  private DoctorService doctor;
  private StatsReport report;
  private RecentFallbacks fallbacks;
  private DelegateMeters meters;
  private final List<PeriodicTask> timers = new ArrayList<>();
  private SchedulerWatch schedulerWatch;
  private WorkerExecutor probes;
  private final long leaseLostAfterMs;

  public LocalApiVerticle() {
    this(Clock.systemUTC());
  }

  /** @param clock the delegate's time, for leases, penalties, task timeouts and view freshness */
  public LocalApiVerticle(InstantSource clock) {
    this(clock, DaemonConstants.LEASE_LOST_AFTER_MS);
  }

  /** Test seam: verticle tests with real servants cannot wait a minute for a lease to count as lost. */
  LocalApiVerticle(long leaseLostAfterMs) {
    this(Clock.systemUTC(), leaseLostAfterMs);
  }

  private LocalApiVerticle(InstantSource clock, long leaseLostAfterMs) {
    this.clock = clock;
    this.leaseLostAfterMs = leaseLostAfterMs;
  }

  /** The deployment's configuration with this node's secrets, which -ha deployments do not carry. */
  @Override
  public JsonObject config() {
    return NodeSecrets.complete(vertx, super.config());
  }

  @Override
  public Future<?> start() {
    try {
      cfg = DaemonConfig.fromNodeConfig(config());
      api = LocalApiConfig.fromNodeConfig(config());
      hedging = HedgeConfig.fromNodeConfig(config());
      PeerIdentity.requireNativeTransport(vertx);
      quota = new LocalQuota(cfg.maxLocalTasks(), (int) Math.floor(cfg.maxLocalTasks() * cfg.lightweightRatio()), clock);
      grpc = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(cfg.servant().maxResultBytes() + (1 << 20)),
          NodeTls.of(vertx, config()).applyTo(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (vertx.sharedData().getLocalMap(NodeKeys.MAP).get(NodeKeys.LOCAL_API_FRONT) != null) {
      // Behind the front, `vxcc --stats` counts across redeploys of the delegate.
      Object earlier = vertx.sharedData().getLocalMap(NodeKeys.HANDOVER_MAP).putIfAbsent(STATS_KEY, stats);
      stats = earlier instanceof DelegateStats s ? s : stats;
    }
    fileDigests = new FileDigestService(vertx, api, digests);
    cluster = new ClusterViewKeeper(vertx, cfg.token(), clock);
    schedulerWatch = new SchedulerWatch(vertx);
    schedulerWatch.start();
    SchedulerLink scheduler = new SchedulerLink(vertx, cfg.token(), schedulerWatch);
    LeaseRenewal leases = new LeaseRenewal(clock, DaemonConstants.KEEP_ALIVE_LEASE_MS, leaseLostAfterMs, scheduler::keepAlive);
    // In place, the build's -j bounds the compiles: as many slots as CPUs, like plain make.
    InPlaceRunner inPlace = new InPlaceRunner(vertx, () -> InPlaceServant.of(vertx), cluster,
        new LocalQuota(Math.max(cfg.maxLocalTasks(), Runtime.getRuntime().availableProcessors()), 0, clock), stats,
        cfg.servant().maxResultBytes());
    runner = new DistributedTaskRunner(vertx, cfg, grpc, stats, cluster, scheduler, new PenaltyBox(clock, DaemonConstants.PENALTY_MS), leases, clock,
        inPlace, hedging);
    cache = new ResultCache(vertx, cfg.token(), true);
    tasks = new TaskTable(clock, cfg.taskTimeoutMs());
    probes = vertx.createSharedWorkerExecutor(DaemonConstants.COMPILER_PROBE_POOL, DaemonConstants.COMPILER_PROBE_THREADS,
        DaemonConstants.COMPILER_PROBE_MAX_EXECUTE_SECONDS, TimeUnit.SECONDS);
    flow = new CompileFlow(vertx, cfg, quota, runner, stats, digests, cluster::compilers, cache, tasks, probes);
    doctor = new DoctorService(vertx, flow.verdicts().identities(), flow.verdicts().trustedCompilers());
    report = new StatsReport(vertx, stats, quota, flow, cache, cluster);
    fallbacks = new RecentFallbacks(clock);
    meters = new DelegateMeters(Meters.of(vertx), stats, fallbacks, () -> flow.tasks().size(), quota::maxHeavy, quota::holders);
    stats.listen(meters);
    long tick = DaemonConstants.DELEGATE_TICK_MS;
    timers.add(PeriodicTask.start(vertx, "result cache tick", tick, cache::tick));
    timers.add(PeriodicTask.start(vertx, "grant lease renewal", tick, runner::tick));
    timers.add(PeriodicTask.start(vertx, "dead wrappers", tick, this::reclaimDeadWrappers));
    cluster.refresh();
    timers.add(PeriodicTask.start(vertx, "cluster view", tick, cluster::refresh));
    timers.add(PeriodicTask.start(vertx, "dashboard feed", tick, this::publishToDashboard));
    routes = routes();
    Object front = vertx.sharedData().getLocalMap(NodeKeys.MAP).get(NodeKeys.LOCAL_API_FRONT);
    if (front != null) {
      return behindFront(front.toString());
    }
    server = vertx.createHttpServer(new HttpServerOptions());
    String socket = api.socket().toString();
    return vertx.executeBlocking(() -> {
          LocalSocketFile.prepare(api.socket());
          return null;
        }, false)
        .compose(v -> server.requestHandler(router()).listen(SocketAddress.domainSocketAddress(socket)))
        .recover(e -> Future.failedFuture(ListenFailure.of("local API (wrappers' socket)", socket, "daemon.localSocket", e)))
        .compose(s -> vertx.executeBlocking(() -> {
          LocalSocketFile.openToEveryone(api.socket());
          return s;
        }, false))
        .onSuccess(s -> vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.LOCAL_API, socket))
        .onSuccess(s -> LOG.info("local API on {} ({} local slots)", socket, cfg.maxLocalTasks()));
  }

  /** Node deployment: the front holds the socket and hands us the requests, so that we can be redeployed. */
  private Future<?> behindFront(String frontSocket) {
    if (!frontSocket.equals(api.socket().toString())) {
      LOG.warn("daemon.localSocket {} is not taken up: the local API stays on {} until the node restarts", api.socket(), frontSocket);
    }
    fronted = true;
    calls = vertx.eventBus().<LocalCall>localConsumer(LocalApiFront.callsAddress(deploymentID()), m -> {
      inFlight++;
      Future<LocalReply> answer;
      try {
        answer = call(m.body());
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> {
        inFlight--;
        m.reply(ar.succeeded() ? ar.result() : LocalReply.refused(500, "internal error: " + ar.cause()));
      });
    });
    Drain.register(vertx, deploymentID(), this::drain);
    Object shared = vertx.sharedData().getLocalMap(NodeKeys.HANDOVER_MAP).putIfAbsent(KnownCompilers.KEY, new KnownCompilers());
    KnownCompilers known = shared instanceof KnownCompilers k ? k
        : (KnownCompilers) vertx.sharedData().getLocalMap(NodeKeys.HANDOVER_MAP).get(KnownCompilers.KEY);
    timers.add(PeriodicTask.start(vertx, "known compilers", DaemonConstants.DELEGATE_TICK_MS, () -> known.addAll(flow.verdicts().identities().paths())));
    // Warm before the front sends us anything: a cluster view and the compilers a predecessor knew.
    Future<?> warm = Future.join(cluster.refresh(), Future.join(known.snapshot().stream()
        .map(p -> flow.verdicts().identities().of(java.nio.file.Path.of(p), probes)).toList()));
    return calls.completion()
        .compose(v -> warm.transform(ar -> Future.succeededFuture()))
        .compose(v -> vertx.eventBus().request(LocalApiFront.JOIN, deploymentID()))
        .onSuccess(v -> LOG.info("local API behind the front on {} ({} local slots)", frontSocket, cfg.maxLocalTasks()));
  }

  /**
   * Hot redeploy: the front sends new requests to our successor; we still answer for the tasks we
   * hold (wrappers waiting on them get their directive) until none is left, within the bound.
   */
  private Future<?> drain(long boundMs) {
    return vertx.eventBus().request(LocalApiFront.RETIRE, deploymentID())
        .transform(ar -> Drain.until(vertx, () -> inFlight == 0 && tasks.size() == 0 && quota.waiting(false) + quota.waiting(true) == 0, boundMs))
        .onSuccess(idle -> LOG.info("local API drained{}", idle ? "" : " (bound reached with " + tasks.size() + " tasks)"));
  }

  /** One request, whether from our own socket or from the front. */
  Future<LocalReply> call(LocalCall c) {
    Route route = routes.get(c.path());
    if (route == null) {
      return Future.succeededFuture(LocalReply.refused(404, "unknown path " + c.path()));
    }
    if (!route.method().equals(c.method())) {
      return Future.succeededFuture(LocalReply.refused(405, c.method() + " is not allowed on " + c.path()));
    }
    return route.answer().apply(c);
  }

  private record Route(String method, Function<LocalCall, Future<LocalReply>> answer) {}

  private Map<String, Route> routes() {
    Map<String, Route> m = new LinkedHashMap<>();
    m.put("/local/compile", new Route("POST", c -> framed(c, flow::compile)));
    m.put("/local/submit", new Route("POST", c -> framed(c, flow::submit)));
    m.put("/local/wait", new Route("POST", c -> framed(c, flow::waitFor)));
    m.put("/local/acquire", new Route("POST", c -> framed(c, this::acquire)));
    // Only the caller's own slot: the pid comes from the socket.
    m.put("/local/release", new Route("POST", c -> framed(c, (peer, f) -> {
      quota.release(peer.pid());
      return Future.succeededFuture(Buffer.buffer());
    })));
    m.put("/local/stats", new Route("GET", c -> report.reply(c.json())));
    m.put("/local/version", new Route("GET", c -> Future.succeededFuture(
        LocalReply.ok("text/plain", Buffer.buffer("vxcc daemon, protocol " + DaemonConfig.PROTOCOL_VERSION + "\n")))));
    m.put("/local/file_digest", new Route("POST", c -> framed(c, this::fileDigest)));
    m.put("/local/doctor", new Route("POST", c -> framed(c, (peer, f) -> doctor.run(peer, f,
        new DoctorService.State(api.socket().toString(), quota.maxHeavy(), cluster.fresh(), cluster.lastError(), cache.stats())))));
    m.put("/local/explain", new Route("POST", c -> framed(c, this::explain)));
    return m;
  }

  private Router router() {
    Router r = Router.router(vertx);
    RequestGuard.install(r, api.maxRequestBytes());
    routes.forEach((path, route) -> r.route(HttpMethod.valueOf(route.method()), path).handler(ctx ->
        call(LocalReply.callOf(ctx)).onComplete(ar -> LocalReply.send(ctx, ar))));
    return r;
  }

  /**
   * Parses the wrapper's framing; any error becomes a 4xx with the reason, and the wrapper compiles
   * locally. A {@code pid} field is only a claim: it must be the caller's own. A request naming a
   * task we do not hold says so, for the front to ask a delegate that does.
   */
  private Future<LocalReply> framed(LocalCall c, BiFunction<PeerIdentity, Frames, Future<Buffer>> handler) {
    Future<Buffer> answer;
    PeerIdentity peer = c.peer();
    boolean notMine = false;
    try {
      Frames f = Frames.parse(c.body());
      if (f.first("pid").isPresent() && f.number("pid") != peer.pid()) {
        throw new Refusal(403, "pid " + f.text("pid") + " is not the caller's (" + peer.pid() + ")");
      }
      notMine = f.first("task").isPresent() && tasks.owned(peer, f.text("task")) == null;
      answer = handler.apply(peer, f);
    } catch (IllegalArgumentException | Refusal e) {
      answer = Future.failedFuture(e);
    }
    boolean other = notMine;
    return answer.transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(LocalReply.ok("application/x-vxcc-frames", ar.result()).notMine(other));
      }
      LOG.debug("{} failed: {}", c.path(), ar.cause().toString());
      return Future.succeededFuture(LocalReply.refused(ar.cause() instanceof Refusal r ? r.status : 400, String.valueOf(ar.cause().getMessage())));
    });
  }

  private Future<Buffer> acquire(PeerIdentity peer, Frames f) {
    long pid = peer.pid();
    boolean light = "light".equals(f.text("kind", "heavy"));
    // The deadline is taken before the timer is set, so that the timer never fires before it.
    long asked = stats.phases.now();
    Future<Boolean> granted = quota.acquireWithin(pid, light, DaemonConstants.LONG_POLL_MS)
        .onSuccess(g -> {
          if (g) {
            stats.phases.since(dev.vxcc.daemon.PhaseTimes.Phase.QUOTA_WAIT, asked);
          }
        });
    vertx.setTimer(DaemonConstants.LONG_POLL_MS, t -> quota.expireDue());
    return granted.map(Directives::granted);
  }

  /** The digest we would use for a file ({@code path}), for a caller who may read it; never settable. */
  private Future<Buffer> fileDigest(PeerIdentity peer, Frames f) {
    return fileDigests.digest(peer, f.text("path")).map(d -> Frames.builder().add("digest", d).build());
  }

  /**
   * What dashboards show of this daemon (its counters, recent fallbacks, the names of the compilers
   * it met), published to whoever listens; only the scheduler's node does, and nobody needs an answer.
   */
  private void publishToDashboard() {
    vertx.eventBus().publish(Addresses.DASHBOARD_DAEMON, new JsonObject()
        .put("daemon", cfg.host() + ":" + api.socket())
        .put("at", clock.millis())
        .put("stats", stats.toJson())
        .put("tasksInFlight", flow.tasks().size())
        .put("recentFallbacks", fallbacks.toJson())
        .put("compilerNames", new JsonObject(new java.util.TreeMap<String, Object>(flow.verdicts().compilerNames()))));
  }

  /** Where one compile would go, and why; compiles nothing and counts nothing. */
  private Future<Buffer> explain(PeerIdentity peer, Frames f) {
    return flow.verdicts().decide(peer, f).map(v -> Frames.builder()
        .add("text", ExplainText.render(f.text("tool", ""), f.texts("arg"), v, cluster.fresh(), cache.stats(), cfg.minRemoteSourceBytes()))
        .build());
  }

  /** Timer: wrappers that died give back their slots, and their remote work is cancelled. */
  private Future<?> reclaimDeadWrappers() {
    List<Long> pids = new ArrayList<>(quota.pids());
    pids.addAll(tasks.pids());
    if (pids.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> pids.stream().distinct().filter(p -> !ProcessLiveness.alive(p)).collect(Collectors.toSet()), false)
        .onSuccess(dead -> {
          quota.reclaim(p -> !dead.contains(p));
          tasks.expire(dead);
        });
  }

  @Override
  public Future<?> stop() {
    timers.forEach(PeriodicTask::stop);
    if (schedulerWatch != null) {
      schedulerWatch.stop();
    }
    Future<?> left = !fronted ? Future.succeededFuture()
        : vertx.eventBus().request(LocalApiFront.LEAVE, deploymentID()).otherwiseEmpty().compose(v -> calls.unregister());
    stats.listen(DelegateStats.Listener.NONE);
    if (meters != null) {
      meters.close();
    }
    if (runner != null) {
      runner.shutdown();
    }
    if (fileDigests != null) {
      fileDigests.close();
    }
    Future<?> cacheClosed = cache == null ? Future.succeededFuture() : cache.stop();
    Future<?> closed = Future.join(cacheClosed, server == null ? Future.succeededFuture()
        : server.close().compose(v -> vertx.executeBlocking(() -> Files.deleteIfExists(api.socket()), false)));
    Future<?> probesClosed = probes == null ? Future.succeededFuture() : probes.close();
    return Future.join(closed, probesClosed, left).transform(ar -> grpc == null ? Future.succeededFuture() : grpc.close().compose(v -> ar.succeeded()
        ? Future.succeededFuture() : Future.failedFuture(ar.cause())));
  }
}
