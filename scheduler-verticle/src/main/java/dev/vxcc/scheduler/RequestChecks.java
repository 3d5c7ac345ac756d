package dev.vxcc.scheduler;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.ServantHeartbeat;

/** Checks on incoming requests; a field out of bounds is an INVALID_ARGUMENT naming the field. */
final class RequestChecks {
  /** Longest lease a servant or a grant may ask for, so a vanished peer is noticed within half a minute. */
  static final long MAX_LEASE_MS = 30_000;
  /** Requestor ids are kept with every grant; a delegate needs far less than this to be unguessable. */
  static final int MAX_REQUESTOR_ID_CHARS = 128;
  /** A delegate excludes the few servants that just failed it; more would be a scan per grant. */
  static final int MAX_EXCLUDED_LOCATIONS = 64;

  private RequestChecks() {}

  /** A heartbeat the scheduler may record: a servant token, a recent enough daemon, sane fields. */
  static void heartbeat(ServantHeartbeat hb, SchedulerConfig config) {
    // The reply carries every token servants accept, so a user token must not even be recorded.
    if (!config.servantTokens().contains(hb.token())) {
      throw new SchedulerException(FailureCodes.ACCESS_DENIED, "invalid token in heartbeat from " + hb.location()
          + (config.userTokens().contains(hb.token()) ? ": a user token may not serve (not in scheduler.servantTokens)" : ""));
    }
    if (hb.version() < config.minDaemonVersion()) {
      throw new SchedulerException(FailureCodes.VERSION_TOO_OLD, "daemon version " + hb.version()
          + " is older than the minimum " + config.minDaemonVersion() + "; upgrade the daemon");
    }
    if (hb.leaseMs() < 0 || hb.leaseMs() > MAX_LEASE_MS) {
      throw invalid("heartbeat leaseMs must be between 0 and " + MAX_LEASE_MS + ", got " + hb.leaseMs());
    }
    if (hb.servantId().isEmpty() || hb.location().isEmpty()) {
      throw invalid("heartbeat needs a servantId and a location");
    }
    if (hb.numProcessors() < 0) {
      throw invalid("heartbeat numProcessors must be >= 0, got " + hb.numProcessors());
    }
    // Negative means "judge it yourself"; anything not a number would make every capacity comparison false.
    if (!Double.isFinite(hb.foreignLoad())) {
      throw invalid("heartbeat foreignLoad must be a finite number, got " + hb.foreignLoad());
    }
  }

  static void grant(GrantRequest req) {
    if (req.immediate() < 0 || req.prefetch() < 0 || req.immediate() + req.prefetch() == 0) {
      throw invalid("grant request must ask for at least one grant, got immediate=" + req.immediate()
          + " prefetch=" + req.prefetch());
    }
    if (req.waitMs() < 0) {
      throw invalid("grant request waitMs must be >= 0, got " + req.waitMs());
    }
    if (req.leaseMs() <= 0 || req.leaseMs() > MAX_LEASE_MS) {
      throw invalid("grant leaseMs must be between 1 and " + MAX_LEASE_MS + ", got " + req.leaseMs());
    }
    if (req.compilerDigest().isEmpty()) {
      throw invalid("grant request needs a compilerDigest");
    }
    if (req.requestorId().length() > MAX_REQUESTOR_ID_CHARS) {
      throw invalid("grant request requestorId must be at most " + MAX_REQUESTOR_ID_CHARS + " characters, got "
          + req.requestorId().length());
    }
    if (req.excludeLocations().size() > MAX_EXCLUDED_LOCATIONS) {
      throw invalid("grant request may exclude at most " + MAX_EXCLUDED_LOCATIONS + " servants, got "
          + req.excludeLocations().size());
    }
  }

  static void keepAlive(KeepAliveRequest req) {
    if (req.leaseMs() <= 0 || req.leaseMs() > MAX_LEASE_MS) {
      throw invalid("keep-alive leaseMs must be between 1 and " + MAX_LEASE_MS + ", got " + req.leaseMs());
    }
  }

  private static SchedulerException invalid(String message) {
    return new SchedulerException(FailureCodes.INVALID_ARGUMENT, message);
  }
}
