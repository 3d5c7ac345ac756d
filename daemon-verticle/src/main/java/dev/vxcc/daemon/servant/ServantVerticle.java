package dev.vxcc.daemon.servant;

import dev.vxcc.api.v1.ServantGrpcService;
import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.HeartbeatReply;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.api.v1.CompileResult;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.TaskDigest;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.identity.Expansion;
import dev.vxcc.daemon.identity.TaskKey;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servant role: accepts tasks from other daemons over gRPC, runs the real compiler, and
 * tells the scheduler once a second what it can take and what it runs.
 */
public final class ServantVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ServantVerticle.class);
  /** Event-bus address answering this servant's counters, per servant id. */
  public static final String STATS_ADDRESS_PREFIX = "vxcc.servant.stats.";

  private final String servantId = UUID.randomUUID().toString();
  private DaemonConfig cfg;
  private ExecutionEngine engine;
  private CompilerRegistry compilers;
  private final MachineLoad load = new MachineLoad();
  private HttpServer server;
  private String location;
  private volatile Set<String> acceptableTokens = Set.of();
  private boolean stopping;
  private boolean warnedDenied;
  private long heartbeatTimer = -1;
  private ResultCache cache;
  private Sandbox sandbox;
  private Path jobRoot;

  @Override
  public Future<?> start() {
    cfg = DaemonConfig.fromNodeConfig(config());
    compilers = new CompilerRegistry(new FileDigestCache());
    cache = new ResultCache(vertx, cfg.token(), false);
    List<Path> dirs = CompilerRegistry.searchDirs(cfg.extraCompilerDirs());
    return vertx.executeBlocking(() -> {
          JobRoot.removeLeftovers(cfg.tempDir());
          compilers.rescan(dirs);
          sandbox = Sandbox.resolve(cfg.servant());
          return JobRoot.create(cfg.tempDir());
        }, false)
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
          engine = new ExecutionEngine(vertx, jobRoot, maxTasks, () -> MachineLoad.memory()[1],
              cfg.minMemoryForNewTaskBytes(), cfg.taskTimeoutMs(), InstantSource.system(), sandbox, cfg.servant());
          engine.onCleanResult(this::store);
          return startServer();
        })
        .onSuccess(s -> {
          location = cfg.servingHost() + ":" + s.actualPort();
          vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.SERVING, location);
          vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.SERVANT_ID, servantId);
          vertx.eventBus().consumer(STATS_ADDRESS_PREFIX + servantId, m -> m.reply(stats()));
          vertx.setPeriodic(1000, t -> load.sample(System.currentTimeMillis()));
          vertx.setPeriodic(1000, t -> engine.cleanup());
          vertx.setPeriodic(1000, t -> cache.tick());
          vertx.setPeriodic(cfg.compilerRescanMs(), t -> vertx.executeBlocking(() -> compilers.rescan(dirs), false));
          heartbeat();
          LOG.info("servant {} serving at {} with {} slots ({}), compilers {}", servantId, location, engine.maxTasks(), sandbox.why(),
              compilers.snapshot().values());
        });
  }

  private Future<HttpServer> startServer() {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(cfg.servant().maxMessageBytes()));
    grpc.addService(ServantGrpcService.of(new ServantEndpoint(engine, compilers::pathOf, () -> acceptableTokens)));
    server = vertx.createHttpServer(NodeTls.of(vertx, config()).applyTo(new HttpServerOptions().setHost(cfg.servingHost()).setPort(cfg.servingPort())));
    return server.requestHandler(grpc).listen();
  }

  /** The location other daemons use to reach this servant; known once started. */
  public String location() {
    return location;
  }

  private ServantHeartbeat beat(long leaseMs) {
    long[] mem = MachineLoad.memory();
    return new ServantHeartbeat(cfg.token(), servantId, location, cfg.host(), DaemonConfig.PROTOCOL_VERSION,
        load.cpus(), leaseMs == 0 ? 0 : engine.maxTasks(), cfg.reportLoad() ? load.busyCpus() : engine.running(),
        mem[0], mem[1], compilers.digests(), cfg.dedicated(), engine.maxTasks() == 0 ? "user-instructed" : "",
        engine.runningTasks(location), leaseMs);
  }

  /** One-shot timer re-armed after each answer, so a slow scheduler never piles up heartbeats. */
  private void heartbeat() {
    if (stopping) {
      return;
    }
    vertx.eventBus().request(Addresses.SCHEDULER_HEARTBEAT, beat(10_000).toJson(), new DeliveryOptions().setSendTimeout(5000))
        .onSuccess(m -> {
          HeartbeatReply r = HeartbeatReply.fromJson((JsonObject) m.body());
          acceptableTokens = Set.copyOf(r.acceptableTokens());
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

  /**
   * A clean result goes to the shared cache under the key of what we actually compiled: the
   * delegate's normalisation parameters are applied to our copy of the source, never its claim.
   */
  private void store(ExecutionEngine.Job job, WaitTaskResponse result) {
    vertx.executeBlocking(() -> {
      byte[] source = Zstd.decompress(job.sourceZstd(), cfg.servant().maxSourceBytes());
      Path prefix = job.keyCompilerPrefix().isEmpty() ? null : Path.of(job.keyCompilerPrefix());
      CompilerFamily family = CompilerFamily.detect(job.compiler().getFileName().toString(), job.compiler()).orElse(CompilerFamily.GCC);
      // Side outputs name source paths: any second file keeps the key raw.
      List<String> sideOutputs = result.getFilesCount() > 1 ? List.of("side") : List.of();
      String key = TaskKey.of(new TaskKey.Input(job.compilerDigest(), prefix, job.args(), job.outputSuffix(), source, null,
          job.sourcePath(), family, sideOutputs, job.keyBaseDir(),
          () -> Expansion.run(sandbox.prefix(), job.compiler(), job.args(), source, cfg.servant().maxSourceBytes()))).hex();
      ExecutionEngine.FileInput in = job.fileInput();
      key = TaskDigest.withInput(key, in == null ? null : in.path(), in == null ? null : in.clientCwd());
      if (!key.equals(job.taskDigest())) {
        LOG.debug("task {} recomputed as {}: stored under ours", job.taskDigest(), key);
      }
      CompileResult entry = CompileResult.newBuilder()
          .setExitCode(result.getExitCode())
          .setStdout(com.google.protobuf.ByteString.copyFrom(Zstd.decompress(result.getStdoutZstd().toByteArray())))
          .addAllFiles(result.getFilesList())
          .build();
      return Map.entry(TaskDigest.cacheKey(key), entry.toByteArray());
    }, false)
        .onSuccess(e -> cache.put(e.getKey(), e.getValue()))
        .onFailure(e -> LOG.debug("not cached: {}", e.toString()));
  }

  private JsonObject stats() {
    return new JsonObject()
        .put("servantId", servantId)
        .put("location", location)
        .put("maxTasks", engine.maxTasks())
        .put("running", engine.running())
        .put("tasksRunEver", engine.tasksRunEver())
        .put("cache", cache.stats())
        .put("compilers", new JsonObject(Map.copyOf(compilers.snapshot().entrySet().stream()
            .collect(java.util.stream.Collectors.toMap(e -> e.getKey(), e -> (Object) e.getValue().toString())))));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(heartbeatTimer);
    if (engine != null) {
      engine.killAll();
    }
    cache.stop();
    // Tell the scheduler at once that we are gone, rather than letting our lease run out.
    Future<?> leaving = location == null ? Future.succeededFuture()
        : vertx.eventBus().request(Addresses.SCHEDULER_HEARTBEAT, beat(0).toJson(), new DeliveryOptions().setSendTimeout(1000))
            .recover(e -> Future.succeededFuture());
    return leaving.compose(v -> server == null ? Future.succeededFuture() : server.close())
        .compose(v -> jobRoot == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
          JobRoot.deleteQuietly(jobRoot);
          return null;
        }, false));
  }
}
