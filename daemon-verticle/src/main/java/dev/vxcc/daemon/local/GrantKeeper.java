package dev.vxcc.daemon.local;

import static dev.vxcc.daemon.DaemonConstants.GRANT_LEASE_MS;
import static dev.vxcc.daemon.DaemonConstants.GRANT_LIMIT_RETRY_MS;
import static dev.vxcc.daemon.DaemonConstants.GRANT_LOCAL_VALIDITY_MS;
import static dev.vxcc.daemon.DaemonConstants.GRANT_RETRY_MS;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.Grant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grants for one compiler digest (and one kind of task: ordinary or source-tree). Batches the demand of all waiting tasks into one scheduler
 * request and asks for one spare, so that the next task usually finds a grant already here and
 * pays no scheduler round trip on its critical path. Confined to the delegate's event loop.
 */
final class GrantKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(GrantKeeper.class);

  /** No servant in the cluster has this compiler: waiting would never help. */
  static final class NoServantForCompiler extends RuntimeException {
    NoServantForCompiler(String message) {
      super(message, null, false, false);
    }
  }

  private record Held(Grant grant, long expiresAt) {}

  private final Vertx vertx;
  private final SchedulerLink scheduler;
  private final InstantSource clock;
  private final String host;
  private final String compilerDigest;
  private boolean sourceTree;
  private final long localValidityMs;
  /** Where each reply's serving token goes: the cluster view keeps the one current token. */
  private final Consumer<String> servingTokens;
  /** Servants just seen failing, for the scheduler to skip while it has another. */
  private final Supplier<List<String>> excluded;
  private final Deque<Held> spare = new ArrayDeque<>();
  private final Deque<Promise<Grant>> waiters = new ArrayDeque<>();
  private boolean fetching;

  GrantKeeper(Vertx vertx, SchedulerLink scheduler, InstantSource clock, String host, String compilerDigest, Consumer<String> servingTokens,
      Supplier<List<String>> excluded) {
    this(vertx, scheduler, clock, host, compilerDigest, servingTokens, GRANT_LOCAL_VALIDITY_MS, excluded);
  }

  GrantKeeper(Vertx vertx, SchedulerLink scheduler, InstantSource clock, String host, String compilerDigest, Consumer<String> servingTokens,
      long localValidityMs) {
    this(vertx, scheduler, clock, host, compilerDigest, servingTokens, localValidityMs, List::of);
  }

  GrantKeeper(Vertx vertx, SchedulerLink scheduler, InstantSource clock, String host, String compilerDigest, Consumer<String> servingTokens,
      long localValidityMs, Supplier<List<String>> excluded) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.clock = clock;
    this.host = host;
    this.compilerDigest = compilerDigest;
    this.servingTokens = servingTokens;
    this.localValidityMs = localValidityMs;
    this.excluded = excluded;
  }

  /** For source-tree tasks: only servants advertising them are granted. */
  GrantKeeper forSourceTree() {
    sourceTree = true;
    return this;
  }

  Future<Grant> get(long timeoutMs) {
    dropExpired();
    Held h = spare.pollFirst();
    if (h != null) {
      fetchIfNeeded();
      return Future.succeededFuture(h.grant());
    }
    Promise<Grant> p = Promise.promise();
    waiters.addLast(p);
    long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> {
      if (waiters.remove(p)) {
        p.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCodes.NO_QUOTA, "no free servant within " + timeoutMs + " ms"));
      }
    });
    // On the next turn of the event loop, so that a burst of tasks goes out as one request.
    vertx.runOnContext(v -> fetchIfNeeded());
    return p.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Demand is batched into one request; the spare is fetched along with the next batch. */
  private void fetchIfNeeded() {
    if (fetching || waiters.isEmpty()) {
      return;
    }
    fetching = true;
    long before = clock.millis();
    scheduler.grants(host, compilerDigest, sourceTree, waiters.size(), 1, GRANT_LEASE_MS, excluded.get())
        .onComplete(ar -> {
          fetching = false;
          if (ar.succeeded()) {
            servingTokens.accept(ar.result().servingToken());
            for (Grant g : ar.result().grants()) {
              hand(g, before + localValidityMs);
            }
            fetchIfNeeded();
          } else {
            onFetchFailure(ar.cause());
          }
        });
  }

  /** To the first waiter still waiting (a timed-out one refuses it), else kept as the spare. */
  private void hand(Grant g, long expiresAt) {
    for (Promise<Grant> w = waiters.pollFirst(); w != null; w = waiters.pollFirst()) {
      if (w.tryComplete(g)) {
        return;
      }
    }
    spare.addLast(new Held(g, expiresAt));
  }

  private void onFetchFailure(Throwable err) {
    int code = err instanceof ReplyException re ? re.failureCode() : -1;
    if (code == FailureCodes.ENVIRONMENT_NOT_AVAILABLE || code == FailureCodes.ACCESS_DENIED) {
      RuntimeException e = code == FailureCodes.ACCESS_DENIED
          ? new IllegalStateException("scheduler refused our token: " + err.getMessage())
          : new NoServantForCompiler(err.getMessage());
      List.copyOf(waiters).forEach(w -> w.tryFail(e));
      waiters.clear();
      return;
    }
    LOG.debug("grant request failed ({}); retrying", err.getMessage());
    if (!waiters.isEmpty()) {
      // The scheduler already waited its bound; a short pause keeps a down scheduler from a busy loop.
      // At the token's grant limit it answered at once, and only others' frees help: wait longer.
      vertx.setTimer(code == FailureCodes.GRANT_LIMIT ? GRANT_LIMIT_RETRY_MS : GRANT_RETRY_MS, t -> fetchIfNeeded());
    }
  }

  /** Timer: unused spares go back to the scheduler instead of blocking a slot until their lease ends. */
  void dropExpired() {
    long now = clock.millis();
    while (!spare.isEmpty() && spare.peekFirst().expiresAt() <= now) {
      free(spare.pollFirst().grant().grantId());
    }
  }

  void free(long grantId) {
    scheduler.free(grantId);
  }

  void releaseAll() {
    spare.forEach(h -> free(h.grant().grantId()));
    spare.clear();
  }
}
