package dev.vxcc.daemon.local;

import dev.vxcc.common.NodeSecrets;
import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.JsonBody;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.ResultCache;
import dev.vxcc.daemon.servant.ServantVerticle;
import dev.vxcc.common.util.ListenFailure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** After this long without a cluster view, compiles stay local instead of waiting on a dead scheduler. */
  static final long VIEW_STALE_MS = 5_000;

  private DaemonConfig cfg;
  private LocalApiConfig api;
  private FileDigestService fileDigests;
  private LocalQuota quota;
  private Dispatcher dispatcher;
  private CompileFlow flow;
  private final DelegateStats stats = new DelegateStats();
  private final FileDigestCache digests = new FileDigestCache();
  private GrpcClient grpc;
  private ResultCache cache;
  private HttpServer server;
  private volatile ClusterView view;
  private volatile Set<String> clusterCompilers;
  private volatile long viewAt;
  private volatile String viewError = "";
  private DoctorService doctor;
  private volatile Map<String, RunningTask> runningByDigest = Map.of();
  private final long leaseLostAfterMs;

  public LocalApiVerticle() {
    this(Dispatcher.LEASE_LOST_AFTER_MS);
  }

  /** Test seam: verticle tests cannot wait a minute for a lease to count as lost. */
  LocalApiVerticle(long leaseLostAfterMs) {
    this.leaseLostAfterMs = leaseLostAfterMs;
  }

  /** The deployment's configuration with this node's secrets, which -ha deployments do not carry. */
  @Override
  public JsonObject config() {
    return NodeSecrets.complete(vertx, super.config());
  }

  @Override
  public Future<?> start() {
    cfg = DaemonConfig.fromNodeConfig(config());
    api = LocalApiConfig.fromNodeConfig(config());
    PeerIdentity.requireNativeTransport(vertx);
    fileDigests = new FileDigestService(vertx, api, digests);
    quota = new LocalQuota(cfg.maxLocalTasks(), (int) Math.floor(cfg.maxLocalTasks() * cfg.lightweightRatio()));
    grpc = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(cfg.servant().maxResultBytes() + (1 << 20)),
        NodeTls.of(vertx, config()).applyTo(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)));
    dispatcher = new Dispatcher(vertx, cfg, grpc, stats, digest -> runningByDigest.get(digest), () -> view == null ? "" : view.servingToken(),
        leaseLostAfterMs);
    cache = new ResultCache(vertx, cfg.token(), true);
    vertx.setPeriodic(1_000, t -> cache.tick());
    flow = new CompileFlow(vertx, cfg, quota, dispatcher, stats, digests, this::knownCompilers, cache);
    doctor = new DoctorService(vertx, flow.identities(), flow.trustedCompilers());
    vertx.setPeriodic(1_000, t -> dispatcher.keepAlive());
    vertx.setPeriodic(1_000, t -> reclaimDeadWrappers());
    refreshView();
    vertx.setPeriodic(1_000, t -> refreshView());
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

  private Router router() {
    Router r = Router.router(vertx);
    RequestGuard.install(r, api.maxRequestBytes());
    r.post("/local/compile").handler(ctx -> framed(ctx, flow::compile));
    r.post("/local/submit").handler(ctx -> framed(ctx, flow::submit));
    r.post("/local/wait").handler(ctx -> framed(ctx, flow::waitFor));
    r.post("/local/acquire").handler(ctx -> framed(ctx, this::acquire));
    // Only the caller's own slot: the pid comes from the socket.
    r.post("/local/release").handler(ctx -> framed(ctx, (peer, f) -> {
      quota.release(peer.pid());
      return Future.succeededFuture(Buffer.buffer());
    }));
    r.get("/local/stats").handler(this::stats);
    r.get("/local/version").handler(ctx -> ctx.response().end("vxcc daemon, protocol " + DaemonConfig.PROTOCOL_VERSION + "\n"));
    r.post("/local/file_digest").handler(ctx -> framed(ctx, this::fileDigest));
    r.post("/local/doctor").handler(ctx -> framed(ctx, (peer, f) -> doctor.run(peer, f,
        new DoctorService.State(api.socket().toString(), quota.maxHeavy(), freshView(), viewError, cache.stats()))));
    r.post("/local/explain").handler(ctx -> framed(ctx, this::explain));
    return r;
  }

  /**
   * Parses the wrapper's framing; any error becomes a 4xx with the reason, and the wrapper compiles
   * locally. A {@code pid} field is only a claim: it must be the caller's own.
   */
  private void framed(RoutingContext ctx, BiFunction<PeerIdentity, Frames, Future<Buffer>> handler) {
    Future<Buffer> answer;
    PeerIdentity peer = RequestGuard.peer(ctx);
    try {
      Frames f = Frames.parse(ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer());
      if (f.first("pid").isPresent() && f.number("pid") != peer.pid()) {
        throw new Refusal(403, "pid " + f.text("pid") + " is not the caller's (" + peer.pid() + ")");
      }
      answer = handler.apply(peer, f);
    } catch (IllegalArgumentException | Refusal e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("content-type", "application/x-vxcc-frames").end(ar.result());
      } else {
        LOG.debug("{} failed: {}", ctx.request().path(), ar.cause().toString());
        RequestGuard.refuse(ctx, ar.cause() instanceof Refusal r ? r.status : 400, String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  private Future<Buffer> acquire(PeerIdentity peer, Frames f) {
    long pid = peer.pid();
    boolean light = "light".equals(f.text("kind", "heavy"));
    long deadline = System.currentTimeMillis() + CompileFlow.LONG_POLL_MS;
    vertx.setTimer(CompileFlow.LONG_POLL_MS, t -> quota.expire(System.currentTimeMillis()));
    return quota.acquire(pid, light, deadline).map(Directives::granted);
  }

  /** The digest we would use for a file ({@code path}), for a caller who may read it; never settable. */
  private Future<Buffer> fileDigest(PeerIdentity peer, Frames f) {
    return fileDigests.digest(peer, f.text("path")).map(d -> Frames.builder().add("digest", d).build());
  }

  private void stats(RoutingContext ctx) {
    Object servantId = vertx.sharedData().getLocalMap(NodeKeys.MAP).get(NodeKeys.SERVANT_ID);
    Future<JsonObject> servant = servantId == null ? Future.succeededFuture(null)
        : vertx.eventBus().<JsonObject>request(ServantVerticle.STATS_ADDRESS_PREFIX + servantId, null, new DeliveryOptions().setSendTimeout(1_000))
            .map(m -> m.body())
            .otherwise((JsonObject) null);
    servant.onComplete(ar -> respondStats(ctx, ar.result()));
  }

  private void respondStats(RoutingContext ctx, JsonObject servant) {
    JsonObject j = stats.toJson()
        .put("localSlots", quota.maxHeavy())
        .put("localRunning", quota.holders())
        .put("waitingHeavy", quota.waiting(false))
        .put("waitingLight", quota.waiting(true))
        .put("tasksInFlight", flow.tasks().size())
        .put("cache", cache.stats());
    if (servant != null) {
      j.put("servant", servant);
    }
    ClusterView v = view;
    if (v != null) {
      j.put("cluster", v.toJson().getJsonArray("servants"));
      j.put("clusterRunningTasks", v.runningTasks().size());
    }
    if ("json".equals(ctx.queryParams().get("format"))) {
      ctx.response().putHeader("content-type", "application/json").end(j.encodePrettily() + "\n");
      return;
    }
    ctx.response().putHeader("content-type", "text/plain").end(StatsText.render(stats, quota, servant, v, flow.compilerNames()));
  }

  /** Where one compile would go, and why; compiles nothing and counts nothing. */
  private Future<Buffer> explain(PeerIdentity peer, Frames f) {
    return flow.decide(peer, f).map(v -> Frames.builder()
        .add("text", ExplainText.render(f.text("tool", ""), f.texts("arg"), v, freshView(), cache.stats(), cfg.minRemoteSourceBytes()))
        .build());
  }

  private ClusterView freshView() {
    return System.currentTimeMillis() - viewAt > VIEW_STALE_MS ? null : view;
  }

  private Set<String> knownCompilers() {
    return System.currentTimeMillis() - viewAt > VIEW_STALE_MS ? null : clusterCompilers;
  }

  private void refreshView() {
    vertx.eventBus().request(Addresses.SCHEDULER_VIEW, new JsonObject().put("token", cfg.token()), new DeliveryOptions().setSendTimeout(2_000))
        .map(m -> ClusterView.fromJson(JsonBody.of(m)))
        .onSuccess(v -> {
          Set<String> digestsSeen = new HashSet<>();
          for (Object o : v.servants()) {
            JsonObject s = (JsonObject) o;
            if (s.getInteger("maxTasks", 0) > 0) {
              s.getJsonArray("compilerDigests", new io.vertx.core.json.JsonArray()).forEach(d -> digestsSeen.add(d.toString()));
            }
          }
          Map<String, RunningTask> running = new java.util.HashMap<>();
          v.runningTasks().forEach(t -> running.put(t.taskDigest(), t));
          view = v;
          runningByDigest = Map.copyOf(running);
          clusterCompilers = Set.copyOf(digestsSeen);
          viewAt = System.currentTimeMillis();
          viewError = "";
        })
        .onFailure(e -> {
          LOG.debug("no cluster view: {}", e.getMessage());
          viewError = String.valueOf(e.getMessage());
          // Sharing needs a fresh view: a task that finished long ago must not be joined.
          if (System.currentTimeMillis() - viewAt > VIEW_STALE_MS) {
            runningByDigest = Map.of();
          }
        });
  }

  /** Timer: wrappers that died give back their slots, and their remote work is cancelled. */
  private void reclaimDeadWrappers() {
    List<Long> pids = new java.util.ArrayList<>(quota.pids());
    Map<String, LocalTask> tasks = flow.tasks();
    tasks.values().forEach(t -> pids.add(t.pid));
    if (pids.isEmpty()) {
      return;
    }
    vertx.executeBlocking(() -> pids.stream().distinct().filter(p -> !ProcessLiveness.alive(p)).collect(Collectors.toSet()), false)
        .onSuccess(dead -> {
          quota.reclaim(p -> !dead.contains(p));
          long now = System.currentTimeMillis();
          for (LocalTask t : List.copyOf(tasks.values())) {
            if (dead.contains(t.pid)) {
              flow.abandon(t, "wrapper " + t.pid + " exited");
            } else if (now - t.createdAt > cfg.taskTimeoutMs()) {
              flow.abandon(t, "task ran past " + cfg.taskTimeoutMs() + " ms");
            }
          }
        });
  }

  @Override
  public Future<?> stop() {
    dispatcher.shutdown();
    cache.stop();
    fileDigests.close();
    return server.close()
        .compose(v -> vertx.executeBlocking(() -> Files.deleteIfExists(api.socket()), false))
        .compose(v -> grpc.close());
  }
}
