package dev.vxcc.daemon.servant;

import dev.vxcc.common.NodeSecrets;
import dev.vxcc.api.v1.ServantGrpcService;
import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.bus.SchedulerBus;
import dev.vxcc.common.ops.Drain;
import dev.vxcc.common.metrics.Meters;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.HeartbeatReply;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.PeriodicTask;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.InPlaceServant;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.local.SchedulerWatch;
import dev.vxcc.common.util.ListenFailure;
import io.vertx.core.Future;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servant role: accepts tasks from other daemons over gRPC, runs the real compiler, and
 * tells the scheduler once a second what it can take and what it runs.
 */
public final class ServantVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ServantVerticle.class);

  private final String servantId = UUID.randomUUID().toString();
  private final InstantSource clock;
  private final MachineLoad load;
  private final List<PeriodicTask> periodic = new ArrayList<>();
  /** daemon.extraCompilerDirs → the directories to scan for compilers. */
  private final Function<List<String>, List<Path>> compilerDirs;
  private DaemonConfig cfg;
  private ExecutionEngine engine;
  private ServantMeters meters;
  private CompilerRegistry compilers;
  private HttpServer server;
  private String location;
  private volatile Set<String> acceptableTokens = Set.of();
  /** A redeployed scheduler's tokens replace its predecessor's; delegates' grants still carry the old ones for a while. */
  private volatile Set<String> handedOverTokens = Set.of();
  private long handedOverUntilMs;
  private boolean stopping;
  /** The scheduler heard from our drain that we leave: a second goodbye at stop would only be noise. */
  private boolean saidGoodbye;
  private boolean warnedDenied;
  private long heartbeatTimer = -1;
  /** Fails a heartbeat in flight to a scheduler node that left, so the next goes to the new active one at once. */
  private SchedulerWatch schedulerWatch;
  private WorkerExecutor probes;
  private ResultCache cache;
  private Sandbox sandbox;
  private Path jobRoot;
  private ServantEndpoint endpoint;
  private InPlaceServant inPlace;
  /** Null when this servant does not run source-tree tasks. */
  private BlobStore blobs;
  private volatile TreeResults treeResults;
  private CacheFill fill;

  public ServantVerticle() {
    this(InstantSource.system(), CompilerRegistry::searchDirs);
  }

  ServantVerticle(InstantSource clock) {
    this(clock, CompilerRegistry::searchDirs);
  }

  /** Test seam: verticle tests scan their stand-in compiler only, not every compiler on PATH. */
  public ServantVerticle(Function<List<String>, List<Path>> compilerDirs) {
    this(InstantSource.system(), compilerDirs);
  }

  private ServantVerticle(InstantSource clock, Function<List<String>, List<Path>> compilerDirs) {
    this.clock = clock;
    this.load = new MachineLoad(clock);
    this.compilerDirs = compilerDirs;
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
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    compilers = new CompilerRegistry(new FileDigestCache());
    cache = new ResultCache(vertx, cfg.token(), false, clock);
    probes = vertx.createSharedWorkerExecutor(DaemonConstants.COMPILER_PROBE_POOL, DaemonConstants.COMPILER_PROBE_THREADS,
        DaemonConstants.COMPILER_PROBE_MAX_EXECUTE_SECONDS, TimeUnit.SECONDS);
    List<Path> dirs = compilerDirs.apply(cfg.extraCompilerDirs());
    return probes.executeBlocking(() -> compilers.rescan(dirs), false)
        .compose(found -> vertx.executeBlocking(() -> {
          JobRoot.removeLeftovers(cfg.tempDir());
          load.sample();
          sandbox = Sandbox.resolve(cfg.servant());
          return JobRoot.create(cfg.tempDir());
        }, false))
        .compose(root -> {
          jobRoot = root;
          int maxTasks = cfg.effectiveMaxRemoteTasks();
          if (sandbox.compilersAsRoot() && maxTasks > 0) {
            if (cfg.servant().allowRoot()) {
              LOG.warn("REMOTE COMPILES RUN AS ROOT ({}): daemon.servantAllowRoot is true", sandbox.why());
            } else {
              LOG.error("NOT SERVING: compilers for other machines would run as root ({}). Set daemon.servantUser to an"
                  + " unprivileged user, or daemon.servantAllowRoot=true to serve as root anyway", sandbox.why());
              maxTasks = 0;
            }
          }
          engine = new ExecutionEngine(vertx, jobRoot, maxTasks, load::availableMemory,
              cfg.minMemoryForNewTaskBytes(), cfg.taskTimeoutMs(), clock, sandbox, cfg.servant());
          fill = new CacheFill(vertx, cache, engine.phases(), sandbox.prefix(), cfg.servant().maxSourceBytes(), () -> treeResults);
          engine.onCleanResult(fill::store);
          return vertx.executeBlocking(this::enableSourceTree, false).compose(v -> startServer());
        })
        .onSuccess(s -> {
          location = cfg.servingHost() + ":" + s.actualPort();
          vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.SERVING, location);
          vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.SERVANT_ID, servantId);
          vertx.eventBus().consumer(DaemonConstants.SERVANT_STATS_ADDRESS_PREFIX + servantId, m -> m.reply(stats()));
          periodic.add(PeriodicTask.start(vertx, "servant load sample", DaemonConstants.SERVANT_LOAD_SAMPLE_MS, () -> {
            int granted = engine.running(false);
            return vertx.executeBlocking(() -> {
              load.sample(granted);
              return null;
            }, false);
          }));
          periodic.add(PeriodicTask.start(vertx, "servant cleanup", DaemonConstants.SERVANT_CLEANUP_MS, engine::cleanup));
          meters = new ServantMeters(Meters.of(vertx), engine);
          periodic.add(PeriodicTask.start(vertx, "servant meters", DaemonConstants.METRICS_SAMPLE_MS, meters::sample));
          periodic.add(PeriodicTask.start(vertx, "servant cache tick", DaemonConstants.SERVANT_CACHE_TICK_MS, cache::tick));
          periodic.add(PeriodicTask.start(vertx, "compiler rescan", cfg.compilerRescanMs(),
              () -> probes.executeBlocking(() -> compilers.rescan(dirs), false)));
          // Only a servant that serves at all compiles in place: one that refuses to run compilers as
          // root must not do so for its own machine either.
          if (engine.maxTasks() > 0) {
            inPlace = new InPlaceServant(context, location, endpoint::runInPlace,
                engine.sourceTree() && cfg.dependInPlace() ? new InPlaceServant.Host(jobRoot, sandbox.limitsPrefix()) : null);
            InPlaceServant.publish(vertx, inPlace);
          }
          Drain.register(vertx, deploymentID(), this::drain);
          heartbeat();
          LOG.info("servant {} serving at {} with {} slots ({}), compilers {}", servantId, location, engine.maxTasks(), sandbox.why(),
              compilers.snapshot().values());
        });
  }

  /** Blocking: source-tree tasks when this machine can build their namespaces; said once in the log. */
  private Void enableSourceTree() {
    String why = SourceTreeProbe.unavailable(sandbox);
    if (why != null) {
      LOG.warn("source-tree tasks disabled on this servant: {}", why);
      return null;
    }
    try {
      blobs = new BlobStore(jobRoot.resolve("blobs"), DaemonConstants.SERVANT_BLOB_STORE_BYTES);
      FileDigestCache hostDigests = new FileDigestCache();
      engine.enableSourceTree(blobs, hostDigests);
      treeResults = new TreeResults(blobs, hostDigests, new ClockMacros(DaemonConstants.SERVANT_CLOCK_SCAN_ENTRIES));
    } catch (java.io.IOException e) {
      LOG.warn("source-tree tasks disabled on this servant: blob store: {}", e.toString());
    }
    return null;
  }

  private Future<HttpServer> startServer() {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(cfg.servant().maxMessageBytes()));
    endpoint = new ServantEndpoint(vertx, engine, compilers::pathOf, this::tokensAccepted)
        .withBlobs(blobs, DaemonConstants.SERVANT_MAX_BLOB_BYTES);
    grpc.addService(ServantGrpcService.of(endpoint));
    server = vertx.createHttpServer(NodeTls.of(vertx, config()).applyTo(new HttpServerOptions().setHost(cfg.servingHost()).setPort(cfg.servingPort())));
    String address = cfg.servingHost() + ":" + cfg.servingPort();
    return server.requestHandler(grpc).listen()
        .recover(e -> Future.failedFuture(ListenFailure.of("servant gRPC endpoint", address, "daemon.servingPort", e)));
  }

  private Set<String> tokensAccepted() {
    if (handedOverTokens.isEmpty() || clock.millis() >= handedOverUntilMs) {
      return acceptableTokens;
    }
    Set<String> both = new java.util.HashSet<>(acceptableTokens);
    both.addAll(handedOverTokens);
    return both;
  }

  /**
   * Hot redeploy: the scheduler hears at once that we take no new grants (the new instance is
   * already serving), then we wait until every job has been collected, within the bound.
   */
  private Future<?> drain(long boundMs) {
    stopping = true;
    vertx.cancelTimer(heartbeatTimer);
    Future<?> left = SchedulerBus.request(vertx, Addresses.SCHEDULER_HEARTBEAT, beat(0).toJson(),
            new DeliveryOptions().setSendTimeout(DaemonConstants.SERVANT_LEAVE_TIMEOUT_MS))
        .onSuccess(m -> saidGoodbye = true)
        .recover(e -> Future.succeededFuture());
    return left.compose(v -> Drain.until(vertx, () -> engine.held() == 0, boundMs))
        .onSuccess(idle -> LOG.info("servant {} drained{}", servantId, idle ? "" : " (bound reached with " + engine.held() + " jobs)"));
  }

  /** The location other daemons use to reach this servant; known once started. */
  public String location() {
    return location;
  }

  private ServantHeartbeat beat(long leaseMs) {
    long[] mem = load.memory();
    return new ServantHeartbeat(cfg.token(), servantId, location, cfg.host(), DaemonConfig.PROTOCOL_VERSION,
        load.cpus(), leaseMs == 0 ? 0 : engine.maxTasks(), cfg.reportLoad() ? load.busyCpus() : engine.running(),
        mem[0], mem[1], compilers.digests(), cfg.dedicated(), engine.maxTasks() == 0 ? "user-instructed" : "",
        engine.runningTasks(location), leaseMs, nodeId(),
        // Only a servant whose probe could build a namespace gets source-tree tasks from the scheduler.
        engine.sourceTree() ? List.of(ServantHeartbeat.SOURCE_TREE) : List.of(),
        // Not reporting the machine's load, only our own delegate's compiles in place are someone else's.
        cfg.reportLoad() ? load.foreignCpus() : engine.running(true));
  }

  /** Our cluster node, by which the scheduler drops this servant the moment the node leaves; "" if not clustered. */
  private String nodeId() {
    ClusterManager manager = vertx instanceof VertxInternal vi ? vi.clusterManager() : null;
    return manager == null ? "" : manager.getNodeId();
  }

  /** One-shot timer re-armed after each answer, so a slow scheduler never piles up heartbeats. */
  private void heartbeat() {
    if (stopping) {
      return;
    }
    if (schedulerWatch == null) {
      schedulerWatch = new SchedulerWatch(vertx);
      schedulerWatch.start();
    }
    schedulerWatch.guard(SchedulerBus.request(vertx, Addresses.SCHEDULER_HEARTBEAT, beat(DaemonConstants.SERVANT_HEARTBEAT_LEASE_MS).toJson(),
            new DeliveryOptions().setSendTimeout(DaemonConstants.SERVANT_HEARTBEAT_TIMEOUT_MS)))
        .onSuccess(m -> {
          HeartbeatReply r = HeartbeatReply.fromJson((JsonObject) m.body());
          Set<String> fresh = Set.copyOf(r.acceptableTokens());
          if (!acceptableTokens.isEmpty() && java.util.Collections.disjoint(fresh, acceptableTokens)) {
            handedOverTokens = acceptableTokens;
            handedOverUntilMs = clock.millis() + DaemonConstants.LEASE_LOST_AFTER_MS;
          }
          acceptableTokens = fresh;
          warnedDenied = false;
          if (!r.expiredGrants().isEmpty()) {
            engine.killGrants(r.expiredGrants());
          }
        })
        .onFailure(this::onHeartbeatFailure)
        .onComplete(ar -> {
          if (!stopping) {
            heartbeatTimer = vertx.setTimer(cfg.heartbeatMs(), t -> heartbeat());
          }
        });
  }

  /**
   * A refused token is a configuration matter (a user token is not a servant token), worth one warning
   * rather than one line a second; the servant then accepts no delegate either.
   */
  private void onHeartbeatFailure(Throwable e) {
    boolean denied = e instanceof ReplyException re && re.failureCode() == FailureCodes.ACCESS_DENIED;
    if (!denied) {
      LOG.debug("heartbeat failed: {}", e.getMessage());
      return;
    }
    acceptableTokens = Set.of();
    if (!warnedDenied) {
      warnedDenied = true;
      LOG.warn("the scheduler refused our heartbeat, so this node does not serve: {}", e.getMessage());
    }
  }

  private JsonObject stats() {
    return new JsonObject()
        .put("servantId", servantId)
        .put("location", location)
        .put("maxTasks", engine.maxTasks())
        .put("running", engine.running())
        .put("tasksRunEver", engine.tasksRunEver())
        .put("keyMismatches", fill.keyMismatches())
        .put("phases", engine.phases().toJson())
        .put("sourceTree", engine.sourceTree())
        .put("blobs", blobs == null ? 0 : blobs.count())
        .put("blobBytes", blobs == null ? 0 : blobs.bytes())
        .put("cache", cache.stats())
        .put("compilers", new JsonObject(Map.copyOf(compilers.snapshot().entrySet().stream()
            .collect(java.util.stream.Collectors.toMap(e -> e.getKey(), e -> (Object) e.getValue().toString())))));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (inPlace != null) {
      InPlaceServant.withdraw(vertx, inPlace);
    }
    vertx.cancelTimer(heartbeatTimer);
    if (schedulerWatch != null) {
      schedulerWatch.stop();
    }
    periodic.forEach(PeriodicTask::stop);
    if (meters != null) {
      meters.close();
    }
    Future<Void> killed = engine == null ? Future.succeededFuture() : engine.killAll();
    Future<Void> cacheClosed = cache == null ? Future.succeededFuture() : cache.stop();
    // Tell the scheduler at once that we are gone, rather than letting our lease run out.
    Future<?> leaving = location == null || saidGoodbye ? Future.succeededFuture()
        : SchedulerBus.request(vertx, Addresses.SCHEDULER_HEARTBEAT, beat(0).toJson(),
                new DeliveryOptions().setSendTimeout(DaemonConstants.SERVANT_LEAVE_TIMEOUT_MS))
            .recover(e -> Future.succeededFuture());
    Future<?> closed = Future.all(leaving, killed).compose(v -> server == null ? Future.succeededFuture() : server.close())
        .compose(v -> jobRoot == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
          JobRoot.deleteQuietly(jobRoot);
          return null;
        }, false))
        // A probe still running ends on its own; closing only lets go of our share of the pool.
        .compose(v -> probes == null ? Future.succeededFuture() : probes.close())
        .compose(v -> fill == null ? Future.succeededFuture() : fill.close());
    return Future.all(closed, cacheClosed.recover(e -> Future.succeededFuture()));
  }
}
