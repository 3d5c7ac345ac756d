package dev.vxcc.daemon.local;

import static dev.vxcc.daemon.DaemonConstants.SCHEDULER_CALL_TIMEOUT_MS;
import static dev.vxcc.daemon.DaemonConstants.SCHEDULER_WAIT_MS;

import dev.vxcc.common.bus.Addresses;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.JsonBody;
import dev.vxcc.common.bus.KeepAliveReply;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.SchedulerBus;
import dev.vxcc.common.bus.UnreachableReport;
import dev.vxcc.daemon.DaemonConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delegate's grant calls to the scheduler: ask, renew, free. Every grant is freed here and
 * nowhere else. Carries the requestor id that, with our token, proves the grants are ours.
 */
final class SchedulerLink {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerLink.class);

  private final Vertx vertx;
  private final String token;
  /**
   * Drawn per process and shown only to the scheduler: another holder of the same user token can
   * neither keep our grants alive nor free them.
   */
  private final String requestorId;
  /** Fails our requests early when the scheduler they went to leaves the cluster; null: never. */
  private final SchedulerWatch watch;

  SchedulerLink(Vertx vertx, String token, String requestorId, SchedulerWatch watch) {
    this.vertx = vertx;
    this.token = token;
    this.requestorId = requestorId;
    this.watch = watch;
  }

  SchedulerLink(Vertx vertx, String token, String requestorId) {
    this(vertx, token, requestorId, null);
  }

  SchedulerLink(Vertx vertx, String token, SchedulerWatch watch) {
    this(vertx, token, newRequestorId(), watch);
  }

  /**
   * {@code immediate} grants for waiting tasks plus {@code prefetch} spares, for servants that speak our
   * protocol and, while another can take the task, not at one of the {@code excluded} locations.
   */
  Future<GrantReply> grants(String host, String compilerDigest, int immediate, int prefetch, long leaseMs,
      List<String> excluded) {
    return grants(host, compilerDigest, false, immediate, prefetch, leaseMs, excluded);
  }

  /** As above; for source-tree tasks when {@code sourceTree}, which only servants advertising it get. */
  Future<GrantReply> grants(String host, String compilerDigest, boolean sourceTree, int immediate, int prefetch,
      long leaseMs, List<String> excluded) {
    // Only servants that speak our protocol: an older one could mis-handle what we send.
    GrantRequest req = new GrantRequest(token, host, compilerDigest, immediate, prefetch, SCHEDULER_WAIT_MS, leaseMs,
        DaemonConfig.PROTOCOL_VERSION, requestorId, excluded, sourceTree);
    return guarded(SchedulerBus.request(vertx, Addresses.SCHEDULER_GRANT, req.toJson(),
            new DeliveryOptions().setSendTimeout(SCHEDULER_WAIT_MS + SCHEDULER_CALL_TIMEOUT_MS)))
        .map(m -> GrantReply.fromJson(JsonBody.of(m)));
  }

  /** Renews the leases of {@code ids}; the reply says, in order, which are still ours. */
  Future<KeepAliveReply> keepAlive(List<Long> ids, long leaseMs) {
    return guarded(SchedulerBus.request(vertx, Addresses.SCHEDULER_KEEP_ALIVE, new KeepAliveRequest(token, ids, leaseMs, requestorId).toJson(),
            new DeliveryOptions().setSendTimeout(SCHEDULER_CALL_TIMEOUT_MS)))
        .map(m -> KeepAliveReply.fromJson(JsonBody.of(m)));
  }

  /** Best effort: a grant we fail to free lapses with its lease. */
  void free(long grantId) {
    SchedulerBus.request(vertx, Addresses.SCHEDULER_FREE, new FreeRequest(token, List.of(grantId), requestorId).toJson(),
            new DeliveryOptions().setSendTimeout(SCHEDULER_CALL_TIMEOUT_MS))
        .onFailure(e -> LOG.debug("freeing grant {} failed: {}", grantId, e.getMessage()));
  }

  /**
   * Best effort: tells the scheduler we could not reach the servant of {@code grant}, so that nobody is
   * granted it until it proves alive with a heartbeat. A scheduler without this address just drops it.
   */
  void reportUnreachable(Grant grant, String reason) {
    UnreachableReport report = new UnreachableReport(token, grant.servantId(), grant.location(), reason);
    SchedulerBus.request(vertx, Addresses.SCHEDULER_SERVANT_UNREACHABLE, report.toJson(),
            new DeliveryOptions().setSendTimeout(SCHEDULER_CALL_TIMEOUT_MS))
        .onFailure(e -> LOG.debug("reporting {} unreachable failed: {}", grant.location(), e.getMessage()));
  }

  private <T> Future<T> guarded(Future<T> request) {
    return watch == null ? request : watch.guard(request);
  }

  private static String newRequestorId() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
