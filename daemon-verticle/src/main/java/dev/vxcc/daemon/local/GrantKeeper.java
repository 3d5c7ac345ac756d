package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.JsonBody;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grants for one compiler digest. Batches the demand of all waiting tasks into one scheduler
 * request and asks for one spare, so that the next task usually finds a grant already here and
 * pays no scheduler round trip on its critical path. Confined to the delegate's event loop.
 */
final class GrantKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(GrantKeeper.class);
  static final long SCHEDULER_WAIT_MS = 5_000;
  static final long GRANT_LEASE_MS = 15_000;
  /** A fetched grant is used only within this, leaving the scheduler's lease a safety margin. */
  static final long LOCAL_VALIDITY_MS = 10_000;

  /** No servant in the cluster has this compiler: waiting would never help. */
  static final class NoServantForCompiler extends RuntimeException {
    NoServantForCompiler(String message) {
      super(message, null, false, false);
    }
  }

  private record Held(Grant grant, long expiresAt) {}

  /** Our own token may hold no more grants at the scheduler; retrying sooner would only hammer it. */
  static final long GRANT_LIMIT_RETRY_MS = 1_000;

  private final Vertx vertx;
  private final String token;
  private final String requestorId;
  private final String host;
  private final String compilerDigest;
  private final Deque<Held> spare = new ArrayDeque<>();
  private final Deque<Promise<Grant>> waiters = new ArrayDeque<>();
  private boolean fetching;
  private volatile String servingToken = "";

  private final long localValidityMs;

  /** @param requestorId this delegate's secret share of grant ownership, see GrantRequest#requestorId */
  GrantKeeper(Vertx vertx, String token, String requestorId, String host, String compilerDigest) {
    this(vertx, token, requestorId, host, compilerDigest, LOCAL_VALIDITY_MS);
  }

  GrantKeeper(Vertx vertx, String token, String requestorId, String host, String compilerDigest, long localValidityMs) {
    this.vertx = vertx;
    this.token = token;
    this.requestorId = requestorId;
    this.host = host;
    this.compilerDigest = compilerDigest;
    this.localValidityMs = localValidityMs;
  }

  String servingToken() {
    return servingToken;
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
        p.tryFail(new ReplyException(io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, FailureCodes.NO_QUOTA, "no free servant within " + timeoutMs + " ms"));
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
    long before = System.currentTimeMillis();
    // Only servants that speak our protocol: an older one could mis-handle what we send.
    GrantRequest req = new GrantRequest(token, host, compilerDigest, waiters.size(), 1, SCHEDULER_WAIT_MS, GRANT_LEASE_MS,
        dev.vxcc.daemon.DaemonConfig.PROTOCOL_VERSION, requestorId);
    vertx.eventBus().request(Addresses.SCHEDULER_GRANT, req.toJson(), new DeliveryOptions().setSendTimeout(SCHEDULER_WAIT_MS + 5_000))
        .map(m -> GrantReply.fromJson(JsonBody.of(m)))
        .onComplete(ar -> {
          fetching = false;
          if (ar.succeeded()) {
            servingToken = ar.result().servingToken();
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
      vertx.setTimer(code == FailureCodes.GRANT_LIMIT ? GRANT_LIMIT_RETRY_MS : 100, t -> fetchIfNeeded());
    }
  }

  /** Timer: unused spares go back to the scheduler instead of blocking a slot until their lease ends. */
  void dropExpired() {
    long now = System.currentTimeMillis();
    while (!spare.isEmpty() && spare.peekFirst().expiresAt() <= now) {
      free(spare.pollFirst().grant().grantId());
    }
  }

  void free(long grantId) {
    vertx.eventBus().request(Addresses.SCHEDULER_FREE, new FreeRequest(token, List.of(grantId), requestorId).toJson(),
        new DeliveryOptions().setSendTimeout(5_000))
        .onFailure(e -> LOG.debug("freeing grant {} failed: {}", grantId, e.getMessage()));
  }

  void releaseAll() {
    spare.forEach(h -> free(h.grant().grantId()));
    spare.clear();
  }
}
