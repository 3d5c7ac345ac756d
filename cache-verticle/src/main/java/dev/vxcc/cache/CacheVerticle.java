package dev.vxcc.cache;

import dev.vxcc.common.ops.Drain;
import dev.vxcc.common.NodeSecrets;
import dev.vxcc.api.v1.CacheGrpcService;
import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.cache.engine.CacheEngine;
import dev.vxcc.cache.engine.DiskEngine;
import dev.vxcc.cache.engine.EntrySeal;
import dev.vxcc.cache.engine.HazelcastEngine;
import dev.vxcc.cache.engine.NullEngine;
import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.metrics.Meters;
import dev.vxcc.common.util.ListenFailure;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache role. Wiring only: it reads the {@code cache} config section, opens the L2 engine on
 * a worker, builds the Bloom filter once before serving, then serves {@link CacheEndpoint} over
 * gRPC, answers {@link CacheAddresses#LOCATE} and {@link CacheAddresses#STATS} on the bus, and
 * drives the purge and rebuild timers.
 */
public final class CacheVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CacheVerticle.class);
  /** Kept for callers of the placeholder; same as {@link CacheAddresses#STATS}. */
  public static final String STATS_ADDRESS = CacheAddresses.STATS;
  /** Keys put while a rebuild lists L1 ∪ L2 could be missed by the listing; re-add those this recent. */
  private static final Duration REBUILD_COMPENSATION = Duration.ofSeconds(10);

  private final InstantSource clock;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private CacheConfig cfg;
  private WorkerExecutor workers;
  private CacheEngine engine;
  private CacheStore store;
  private CacheMeters meters;
  /** How often the cache's meters copy its counters; a scrape sees numbers at most this old. */
  private static final long METRICS_SAMPLE_MS = 1_000;
  private HttpServer server;
  private HttpServer httpServer;
  private String location;
  private boolean stopping;

  public CacheVerticle() {
    this(InstantSource.system());
  }

  /** {@code clock} drives the Bloom history and the disk engine's last-use times (tests use a fake). */
  public CacheVerticle(InstantSource clock) {
    this.clock = clock;
  }

  /** The deployment's configuration with this node's secrets, which -ha deployments do not carry. */
  @Override
  public JsonObject config() {
    return NodeSecrets.complete(vertx, super.config());
  }

  @Override
  public Future<?> start() {
    try {
      cfg = CacheConfig.fromJson(config().getJsonObject(CacheConfig.SECTION, new JsonObject()));
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid cache config: " + e.getMessage(), e));
    }
    if (cfg.userTokens().isEmpty() && cfg.servantTokens().isEmpty()) {
      LOG.warn("cache.userTokens and cache.servantTokens are empty: every cache request will be refused");
    }
    // Named per deployment: two cache verticles in one JVM (tests) must not share a pool.
    workers = vertx.createSharedWorkerExecutor("vxcc-cache-" + deploymentID(), cfg.workerPoolSize(), 2, TimeUnit.MINUTES);
    return openEngine()
        .compose(e -> {
          engine = e;
          BloomGenerator bloom = new BloomGenerator(cfg.bloomExpectedKeys(), cfg.bloomFalsePositiveRate(),
              Duration.ofMillis(cfg.bloomFullRefreshMs()), Duration.ofMillis(cfg.bloomFullRefreshMs() * 2 / 5), clock, new Random());
          store = new CacheStore(new MemoryCache(cfg.memoryBytes()), engine, bloom);
          // Before serving: a daemon's first full fetch must already know every key on disk.
          return workers.executeBlocking(() -> {
            store.rebuildBloom(Duration.ZERO);
            return null;
          }, false);
        })
        .compose(v -> startServer())
        .compose(s -> startHttp().map(s))
        .compose(s -> {
          location = cfg.host() + ":" + s.actualPort();
          vertx.sharedData().getLocalMap(NodeKeys.MAP).put(CacheAddresses.NODE_KEY, location);
          consumers.add(vertx.eventBus().consumer(CacheAddresses.LOCATE,
              m -> m.reply(new JsonObject().put("location", location))));
          consumers.add(vertx.eventBus().consumer(CacheAddresses.STATS,
              m -> workers.executeBlocking(() -> store.stats().toJson(), false)
                  .onComplete(m::reply, err -> m.fail(500, "cache stats failed: " + err.getMessage()))));
          Drain.register(vertx, deploymentID(), this::drain);
          every(cfg.purgeIntervalMs(), () -> workers.executeBlocking(store::purge, false));
          meters = new CacheMeters(Meters.of(vertx));
          every(METRICS_SAMPLE_MS, () -> workers.executeBlocking(() -> {
            meters.update(store.stats());
            return null;
          }, false));
          every(cfg.bloomRebuildMs(), () -> workers.executeBlocking(() -> {
            store.rebuildBloom(REBUILD_COMPENSATION);
            return null;
          }, false));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .onSuccess(v -> LOG.info("cache serving at {}: engine {}, L1 {} bytes, {} user / {} servant tokens",
            location, engine.name(), cfg.memoryBytes(), cfg.userTokens().size(), cfg.servantTokens().size()))
        .onFailure(e -> {
          // The gRPC server may be up when the HTTP one fails to bind: leave nothing listening.
          if (server != null) {
            server.close();
          }
          closeEngineAndWorkers();
        });
  }

  private Future<CacheEngine> openEngine() {
    return switch (cfg.engine()) {
      case NULL -> Future.succeededFuture(new NullEngine());
      case DISK -> workers.executeBlocking(() -> new DiskEngine(cfg.dir(), cfg.diskBytes(), clock).open(), false);
      case HAZELCAST -> workers.executeBlocking(() -> HazelcastEngine.of(vertx, cfg.hazelcastBytesPerNode(),
          EntrySeal.fromCacheConfig(config().getJsonObject(CacheConfig.SECTION))), false);
    };
  }

  private Future<HttpServer> startServer() {
    // Room for the largest value plus the message's other fields.
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(cfg.maxEntryBytes() + (1 << 20)));
    grpc.addService(CacheGrpcService.of(new CacheEndpoint(store, workers, cfg)));
    server = vertx.createHttpServer(NodeTls.of(vertx, config()).applyTo(new HttpServerOptions().setHost(cfg.host()).setPort(cfg.port())));
    String address = cfg.host() + ":" + cfg.port();
    return server.requestHandler(new PutGate(grpc, cfg.servantTokens())).listen()
        .recover(e -> Future.failedFuture(ListenFailure.of("cache gRPC endpoint", address, "cache.port", e)));
  }

  /** The ccache / Bazel endpoint, when {@code cache.httpPort} asks for it; see {@link HttpCacheEndpoint}. */
  private Future<Void> startHttp() {
    if (!cfg.httpEnabled()) {
      return Future.succeededFuture();
    }
    NodeTls tls = NodeTls.of(vertx, config());
    boolean https = tls.secure() && !cfg.httpPlain();
    HttpServerOptions options = new HttpServerOptions().setHost(cfg.httpHost()).setPort(cfg.httpPort());
    httpServer = vertx.createHttpServer(https ? tls.applyTo(options) : options);
    String address = cfg.httpHost() + ":" + cfg.httpPort();
    return httpServer.requestHandler(new HttpCacheEndpoint(store, workers, cfg).router(vertx)).listen()
        .recover(e -> Future.failedFuture(ListenFailure.of("cache HTTP endpoint (ccache/Bazel)", address, "cache.httpPort", e)))
        .map(s -> {
          LOG.info("cache HTTP endpoint for ccache/Bazel at {}://{}:{}", https ? "https" : "http", cfg.httpHost(), s.actualPort());
          if (tls.secure() && !https) {
            LOG.warn("cache.httpPlain: the cache HTTP endpoint serves tokens and entries unencrypted on {}; keep it on loopback"
                + " or a trusted network", cfg.httpHost());
          }
          return null;
        });
  }

  /** Port of the HTTP endpoint once started, or -1 when it is off. */
  public int httpPort() {
    return httpServer == null ? CacheConfig.HTTP_OFF : httpServer.actualPort();
  }

  /** The gRPC location daemons use, once started. */
  public String location() {
    return location;
  }

  /**
   * Periodic work that may overrun (a purge walking a big disk): a one-shot timer re-armed when
   * the job ends, so runs never pile up. Failures are logged and the next run still happens.
   */
  private void every(long periodMs, Supplier<Future<?>> job) {
    if (stopping) {
      return;
    }
    timers.add(vertx.setTimer(periodMs, id -> {
      timers.remove(id);
      job.get()
          .onFailure(e -> LOG.warn("cache periodic job failed", e))
          .onComplete(ar -> every(periodMs, job));
    }));
  }

  /**
   * Hot redeploy: daemons stop finding us, and the servers take no new request but finish the
   * ones in flight (within the bound). A daemon that misses us meanwhile only misses the cache.
   */
  private Future<?> drain(long boundMs) {
    if (location != null) {
      vertx.sharedData().getLocalMap(NodeKeys.MAP).remove(CacheAddresses.NODE_KEY, location);
    }
    Future<?> unregistered = Future.join(consumers.stream().map(MessageConsumer::unregister).toList());
    consumers.clear();
    return unregistered.eventually(() -> Future.join(server == null ? Future.succeededFuture() : server.shutdown(boundMs, TimeUnit.MILLISECONDS),
        httpServer == null ? Future.succeededFuture() : httpServer.shutdown(boundMs, TimeUnit.MILLISECONDS)));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    if (meters != null) {
      meters.close();
    }
    if (location != null) {
      vertx.sharedData().getLocalMap(NodeKeys.MAP).remove(CacheAddresses.NODE_KEY, location);
    }
    Future<?> unregistered = Future.join(consumers.stream().map(MessageConsumer::unregister).toList());
    return unregistered
        .compose(v -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> httpServer == null ? Future.succeededFuture() : httpServer.close())
        .eventually(() -> {
          closeEngineAndWorkers();
          return Future.succeededFuture();
        });
  }

  private void closeEngineAndWorkers() {
    if (engine != null) {
      engine.close();
    }
    if (workers != null) {
      workers.close();
    }
  }
}
