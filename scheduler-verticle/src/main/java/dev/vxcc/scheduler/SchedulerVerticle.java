package dev.vxcc.scheduler;

import dev.vxcc.common.NodeSecrets;
import dev.vxcc.common.metrics.Meters;
import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.bus.UnreachableReport;
import dev.vxcc.common.ops.Drain;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler role on the event bus. Wiring only: it decodes messages, calls {@link TaskDispatcher}
 * on its event loop, translates refusals into {@code message.fail}, and drives the dispatcher's timers.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SchedulerVerticle.class);

  /** Not in {@link FailureCodes}: a bug on our side rather than a refusal the caller can act on. */
  private static final int INTERNAL_ERROR = 500;

  /** This node's local map entry naming the scheduler deployment that owns the role here. */
  private static final String LOCAL_OWNER = "vxcc.scheduler.owner";

  private final InstantSource clock;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private SchedulerConfig config;
  private Duration warmup;
  private ActiveStandby role;
  private long sweepTimer = -1;
  private TaskDispatcher dispatcher;
  private ViewCache views;
  private SchedulerMeters meters;
  private long waiterTimer = -1;
  private Instant waiterTimerAt;
  private final NodeWatch nodes = new NodeWatch();

  public SchedulerVerticle() {
    this(Clock.systemUTC());
  }

  public SchedulerVerticle(InstantSource clock) {
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
      JsonObject section = config().getJsonObject(SchedulerConfig.SECTION, new JsonObject());
      config = SchedulerConfig.fromJson(section);
      warmup = Duration.ofMillis(section.getLong("warmupMs", SchedulerConfig.WARMUP_MS));
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("scheduler.warmupMs must be >= 0, got " + warmup.toMillis());
      }
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid scheduler config: " + e.getMessage(), e));
    }
    // Vert.x HA redeploys a dead node's scheduler on a survivor that may run one already: one per node.
    Object owner = vertx.sharedData().getLocalMap(LOCAL_OWNER).putIfAbsent(LOCAL_OWNER, deploymentID());
    if (owner != null) {
      log.info("A scheduler already runs on this node ({}); this deployment stays idle", owner);
      return Future.succeededFuture();
    }
    log.info("Scheduler starting: {} user tokens, {} servant tokens, min daemon version {}",
        config.userTokens().size(), config.servantTokens().size(), config.minDaemonVersion());
    meters = new SchedulerMeters(Meters.of(vertx));
    role = new ActiveStandby(vertx, clock, deploymentID(), this::activate, this::standBy);
    // Hot redeploy: requests are answered NOT_ACTIVE and waiting delegates are told to ask again; the
    // successor's grant ids start above ours and it adopts our running tasks from heartbeats.
    Drain.register(vertx, deploymentID(), bound -> {
      standBy();
      return Future.succeededFuture();
    });
    registerConsumers();
    return role.start().compose(v -> Future.all(consumers.stream().map(MessageConsumer::completion).toList()));
  }

  @Override
  public Future<?> stop() {
    if (meters != null) {
      meters.close();
    }
    if (role == null) {
      return Future.succeededFuture();
    }
    vertx.sharedData().getLocalMap(LOCAL_OWNER).removeIfPresent(LOCAL_OWNER, deploymentID());
    return role.stop();
  }

  /**
   * Serves as the cluster's scheduler from an empty state, which the servants' heartbeats fill within
   * a second; their running tasks are adopted (see {@link TaskDispatcher}).
   */
  private void activate() {
    TaskDispatcher d = new TaskDispatcher(config, clock, warmup);
    dispatcher = d;
    views = new ViewCache(config, clock, d);
    // The sweep only walks in-memory maps, so it cannot overrun its period.
    sweepTimer = vertx.setPeriodic(config.sweepIntervalMs(), id -> {
      d.sweep();
      checkMembership();
      meters.sample(d);
    });
  }

  /**
   * Every candidate answers on the scheduler's addresses from the start, a standby with NOT_ACTIVE
   * (see {@link dev.vxcc.common.bus.SchedulerBus}): when the active one dies or freezes, senders
   * already know the others, whatever state the cluster's subscription map is in then.
   */
  private void registerConsumers() {
    consume(Addresses.SCHEDULER_HEARTBEAT, ServantHeartbeat::fromJson, (d, hb) -> d.heartbeat(hb).toJson());
    consume(Addresses.SCHEDULER_KEEP_ALIVE, KeepAliveRequest::fromJson, (d, r) -> d.keepAlive(r).toJson());
    consume(Addresses.SCHEDULER_FREE, FreeRequest::fromJson, (d, r) -> {
      d.free(r);
      return new JsonObject();
    });
    consume(Addresses.SCHEDULER_SERVANT_UNREACHABLE, UnreachableReport::fromJson, (d, r) -> {
      d.unreachable(r);
      return new JsonObject();
    });
    consume(Addresses.SCHEDULER_VIEW, body -> body, (d, body) -> views.view(body.getString("token", "")));
    consumers.add(vertx.eventBus().consumer(Addresses.SCHEDULER_GRANT, this::onGrant));
  }

  /** Stops serving (the consumers stay, answering NOT_ACTIVE); waiters are told to retry, which reaches whichever scheduler is active then. */
  private void standBy() {
    if (dispatcher == null) {
      return;
    }
    dispatcher.failAllWaiters(FailureCodes.NOT_ACTIVE, "scheduler is stopping; retry on another scheduler");
    vertx.cancelTimer(sweepTimer);
    if (waiterTimer != -1) {
      vertx.cancelTimer(waiterTimer);
      waiterTimer = -1;
    }
    dispatcher = null;
    views = null;
    nodes.reset();
  }

  /**
   * Drops the servants of cluster nodes that left since the last look. Polled rather than subscribed:
   * the cluster manager has a single node-listener slot, and Vert.x itself occupies it. Reading the
   * member list is local to this node, so the sweep period bounds the delay after the cluster noticed.
   */
  private void checkMembership() {
    ClusterManager manager = vertx instanceof VertxInternal vi ? vi.clusterManager() : null;
    if (manager == null) {
      return;
    }
    nodes.poll(Set.copyOf(manager.getNodes()), dispatcher.servantNodes()).forEach(dispatcher::nodeLeft);
  }

  /** Registers a request/reply consumer whose logic answers synchronously with the dispatcher serving now. */
  private <T> void consume(String address, Function<JsonObject, T> decode, BiFunction<TaskDispatcher, T, JsonObject> handle) {
    Handler<Message<JsonObject>> handler = msg -> {
      TaskDispatcher d = dispatcher;
      if (d == null) {
        msg.fail(FailureCodes.NOT_ACTIVE, "this scheduler is a standby; ask again");
        return;
      }
      try {
        msg.reply(handle.apply(d, decode.apply(body(msg))));
      } catch (RuntimeException e) {
        fail(msg, e);
      }
    };
    consumers.add(vertx.eventBus().consumer(address, handler));
  }

  private void onGrant(Message<JsonObject> msg) {
    if (dispatcher == null) {
      msg.fail(FailureCodes.NOT_ACTIVE, "this scheduler is a standby; ask again");
      return;
    }
    CompletableFuture<GrantReply> reply;
    try {
      reply = dispatcher.waitForGrants(GrantRequest.fromJson(body(msg)));
    } catch (RuntimeException e) {
      fail(msg, e);
      return;
    }
    if (!reply.isDone()) {
      armWaiterTimer();
    }
    Future.fromCompletionStage(reply, context).onComplete(
        grants -> msg.reply(grants.toJson()),
        failure -> fail(msg, failure));
  }

  /**
   * Keeps one timer on the earliest waiter deadline, so a waiter fails at its deadline rather than at
   * the next sweep. The timer re-arms itself instead of trusting that it fired on time by our clock.
   */
  private void armWaiterTimer() {
    Optional<Instant> next = dispatcher.nextWaiterDeadline();
    if (next.isEmpty() || (waiterTimer != -1 && !waiterTimerAt.isAfter(next.get()))) {
      return;
    }
    if (waiterTimer != -1) {
      vertx.cancelTimer(waiterTimer);
    }
    long delayMs = Math.max(1, Duration.between(clock.instant(), next.get()).toMillis() + 1);
    waiterTimerAt = next.get();
    waiterTimer = vertx.setTimer(delayMs, id -> {
      waiterTimer = -1;
      dispatcher.expireWaiters();
      armWaiterTimer();
    });
  }

  /**
   * A missing body reads as an empty object: the view needs no input, and every other request then
   * carries the empty token and is refused as unauthenticated, which is the clearest answer.
   */
  private static JsonObject body(Message<JsonObject> msg) {
    return msg.body() == null ? new JsonObject() : msg.body();
  }

  private static void fail(Message<JsonObject> msg, Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof SchedulerException e) {
      log.debug("Refused {}: {} {}", msg.address(), e.code(), e.getMessage());
      msg.fail(e.code(), e.getMessage());
    } else if (t instanceof ClassCastException || t instanceof NullPointerException) {
      // The records' fromJson throws these for fields of the wrong JSON type.
      msg.fail(FailureCodes.INVALID_ARGUMENT, "malformed request on " + msg.address() + ": " + t.getMessage());
    } else {
      log.error("Unexpected failure handling {}", msg.address(), t);
      msg.fail(INTERNAL_ERROR, "internal scheduler error: " + t);
    }
  }
}
