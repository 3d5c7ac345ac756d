package dev.vxcc.scheduler;

import dev.vxcc.common.bus.ClusterView;
import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.HeartbeatReply;
import dev.vxcc.common.bus.KeepAliveReply;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.bus.UnreachableReport;
import io.vertx.core.json.JsonArray;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's state and rules, free of Vert.x: servants from heartbeats, leased grants, waiting
 * grant requests and token rotation. Every method must be called from one thread (the verticle's event
 * loop); time comes only from the injected clock, and the caller drives {@link #sweep()}.
 */
public final class TaskDispatcher {
  private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);

  private final SchedulerConfig config;
  private final InstantSource clock;
  private final ServantRegistry servants;
  private final GrantLeases leases;
  private final TaskReconciler reconciler;
  private final GrantWaiters waiters = new GrantWaiters();
  private final DepartedServants departed = new DepartedServants();
  private final TokenRotation tokens;
  private final SilenceWatch silence;
  /**
   * Until then the servant registry may still be filling from heartbeats (a scheduler that just started
   * or took over): a compiler nobody offers yet is waited for rather than refused, because refusing
   * sends the delegate to a local compile for a servant that will report within a heartbeat.
   */
  private final Instant warmUntil;
  private boolean warm;

  /**
   * A scheduler with no predecessor and no warm-up: grant ids start at 1 and an unknown compiler is
   * refused at once. For a cluster that only ever has this one scheduler instance.
   */
  public TaskDispatcher(SchedulerConfig config, InstantSource clock) {
    this(config, clock, new SecureRandom());
  }

  TaskDispatcher(SchedulerConfig config, InstantSource clock, SecureRandom random) {
    this(config, clock, random, 1, Duration.ZERO);
  }

  /**
   * A scheduler that may succeed another (a restart or a failover): its grant ids start above any its
   * predecessors issued, so their running tasks can be adopted, and for {@code warmup} it waits for
   * heartbeats before refusing a compiler nobody reported yet.
   */
  public TaskDispatcher(SchedulerConfig config, InstantSource clock, Duration warmup) {
    this(config, clock, new SecureRandom(), GrantLeases.firstIdAt(clock.instant()), warmup);
  }

  private TaskDispatcher(SchedulerConfig config, InstantSource clock, SecureRandom random, long firstGrantId,
      Duration warmup) {
    this.config = config;
    this.clock = clock;
    this.servants = new ServantRegistry(config.servantMinMemoryBytes());
    this.tokens = new TokenRotation(clock, Duration.ofMillis(config.tokenRotationMs()), random);
    this.leases = new GrantLeases(firstGrantId);
    this.reconciler = new TaskReconciler(servants, leases, departed);
    this.silence = new SilenceWatch(servants, SchedulerConfig.SILENT_SERVANT_MS);
    this.warmUntil = clock.instant().plus(warmup);
    this.warm = warmup.isZero();
  }

  /** Records a servant's state, reconciles its tasks with our grants, and tells it what to kill. */
  public HeartbeatReply heartbeat(ServantHeartbeat hb) {
    RequestChecks.heartbeat(hb, config);
    boolean known = servants.contains(hb.servantId());
    if (hb.leaseMs() == 0 && !known) {
      // A goodbye from a servant already forgotten (a redeployed one says it twice) must not re-list it.
      return new HeartbeatReply(List.of(), tokens.acceptable());
    }
    int maxTasks = Math.max(hb.maxTasks(), 0);
    String reason = hb.notAcceptingReason();
    if (hb.leaseMs() == 0) {
      maxTasks = 0;
      reason = Servant.LEAVING;
    }
    Instant now = clock.instant();
    Servant s = servants.update(hb, maxTasks, reason, now, now.plusMillis(hb.leaseMs()));
    if (!known) {
      log.info("Servant {} joined at {} ({} CPUs, maxTasks {})", s.id(), hb.location(), hb.numProcessors(), maxTasks);
    }
    List<Long> expired = reconciler.reconcile(s, hb, !known, now);
    // A new servant, lower load or freed zombies can all make room; waking is cheap when nobody waits.
    wakeWaiters();
    return new HeartbeatReply(expired, tokens.acceptable());
  }

  /**
   * Grants up to immediate+prefetch slots. Only the first grant may be waited for (up to the request's
   * wait, capped by config); once one is found, the rest are taken only if free right now. The future
   * fails with a {@link SchedulerException}: ENVIRONMENT_NOT_AVAILABLE at once if no servant could ever
   * run the compiler, NO_QUOTA when the wait ends empty-handed.
   */
  public CompletableFuture<GrantReply> waitForGrants(GrantRequest req) {
    try {
      checkUserToken(req.token());
      RequestChecks.grant(req);
      checkGrantLimit(req.token());
      List<Grant> grants = grab(req);
      if (!grants.isEmpty()) {
        return CompletableFuture.completedFuture(new GrantReply(grants, tokens.active()));
      }
    } catch (SchedulerException e) {
      if (!waitsOutWarmup(e) || req.waitMs() == 0) {
        return CompletableFuture.failedFuture(e);
      }
    }
    long waitMs = Math.min(req.waitMs(), config.maxWaitMs());
    if (waitMs == 0) {
      return CompletableFuture.failedFuture(noQuota(req));
    }
    if (waiters.waitingFor(req.token()) >= config.maxGrantsPerToken()) {
      // Each waiter is memory held for up to maxWaitMs; the grant limit bounds those of one token too.
      return CompletableFuture.failedFuture(new SchedulerException(FailureCodes.GRANT_LIMIT, "this token already has "
          + waiters.waitingFor(req.token()) + " grant requests waiting, the most scheduler.maxGrantsPerToken allows"));
    }
    return waiters.add(req, clock.instant().plusMillis(waitMs)).reply();
  }

  /**
   * Renews each of the caller's grants that is still alive; one flag per id, in request order. Another
   * holder's grant reads as not alive, the same answer as an unknown id, so that ids cannot be probed.
   */
  public KeepAliveReply keepAlive(KeepAliveRequest req) {
    checkUserToken(req.token());
    RequestChecks.keepAlive(req);
    GrantHolder holder = new GrantHolder(req.token(), req.requestorId());
    Instant expiresAt = clock.instant().plusMillis(req.leaseMs());
    List<Boolean> alive = new ArrayList<>(req.grantIds().size());
    for (long id : req.grantIds()) {
      GrantLeases.Lease l = leases.getOwned(id, holder);
      // A zombie is not revived: the servant may already have been told to kill the task.
      boolean ok = l != null && !l.zombie;
      if (ok) {
        l.expiresAt = expiresAt;
      }
      alive.add(ok);
    }
    return new KeepAliveReply(alive);
  }

  /**
   * Frees every grant of the batch that the caller holds; unknown ids and other holders' grants are
   * skipped alike, never a reason to stop.
   */
  public void free(FreeRequest req) {
    checkUserToken(req.token());
    GrantHolder holder = new GrantHolder(req.token(), req.requestorId());
    boolean any = false;
    for (long id : req.grantIds()) {
      if (leases.getOwned(id, holder) == null) {
        continue;
      }
      GrantLeases.Lease l = leases.remove(id);
      if (l != null) {
        reconciler.release(l);
        any = true;
      }
    }
    if (any) {
      wakeWaiters();
    }
  }

  /**
   * The periodic clean-up: forget silent servants, free grants that lost their servant, turn lapsed
   * grants into zombies, and fail waiters whose deadline passed.
   */
  public void sweep() {
    Instant now = clock.instant();
    boolean warmedUp = !warm && !now.isBefore(warmUntil);
    if (warmedUp) {
      warm = true;
    }
    List<Servant> gone = servants.removeExpired(now);
    gone.forEach(s -> log.info("Servant {} at {} expired or left", s.id(), s.heartbeat().location()));
    silence.sweep(now);
    boolean graceEnded = departed.expire(now);
    int orphans = leases.removeOrphans(servants).size();
    int zombies = leases.zombifyExpired(now);
    if (orphans > 0 || zombies > 0) {
      log.debug("Sweep: {} grants freed with their servant, {} grants became zombies", orphans, zombies);
    }
    expireWaiters();
    if (!gone.isEmpty() || warmedUp || graceEnded) {
      // Waiters for a compiler that just vanished from the cluster (or that nobody reported during the
      // warm-up) should learn it now, not at their deadline.
      wakeWaiters();
    }
  }

  /**
   * A delegate could not reach a servant: it gets no grants until its next heartbeat. Any user token may
   * report, which is why the mark does not outlive a heartbeat; a report naming a servant that is not
   * (or no longer) at that location is ignored, since it may be about an earlier process.
   */
  public void unreachable(UnreachableReport report) {
    checkUserToken(report.token());
    Servant s = servants.get(report.servantId());
    if (s == null || !s.heartbeat().location().equals(report.location()) || s.isSuspect()) {
      return;
    }
    log.info("Servant {} at {} reported unreachable ({}); no grants until its next heartbeat",
        s.id(), report.location(), report.reason());
    servants.suspect(s);
    // Waiters for a compiler only this servant had should learn it now, not at their deadline.
    wakeWaiters();
  }

  /** The cluster nodes that registered servants named in their heartbeats. */
  public Set<String> servantNodes() {
    return servants.nodes();
  }

  /** A cluster node left: its servants are gone now, without waiting for their leases. */
  public void nodeLeft(String nodeId) {
    List<Servant> gone = servants.removeOnNode(nodeId);
    if (gone.isEmpty()) {
      return;
    }
    gone.forEach(s -> log.info("Servant {} at {} left with its cluster node {}", s.id(), s.heartbeat().location(), nodeId));
    List<GrantLeases.Lease> orphans = leases.removeOrphans(servants);
    Instant until = clock.instant().plusMillis(SchedulerConfig.REJOIN_GRACE_MS);
    for (Servant s : gone) {
      departed.left(s.id(), orphans.stream().filter(l -> l.servantId.equals(s.id())).toList(), until);
    }
    wakeWaiters();
  }

  /** Fails, with NO_QUOTA, every waiter whose deadline has been reached. */
  public void expireWaiters() {
    List<GrantWaiters.Waiter> due = waiters.removeDue(clock.instant());
    due.forEach(w -> w.reply().completeExceptionally(noQuota(w.request())));
  }

  /** Fails every waiter, e.g. when the scheduler stops. */
  public void failAllWaiters(int code, String message) {
    waiters.removeAll().forEach(w -> w.reply().completeExceptionally(new SchedulerException(code, message)));
  }

  /** When the next waiter times out, so the caller can arm a timer for exactly that moment. */
  public Optional<Instant> nextWaiterDeadline() {
    return waiters.earliestDeadline();
  }

  public ClusterView view() {
    return view("");
  }

  /**
   * The view. Anyone sees the servant summaries; a valid token also sees the running tasks (their digests
   * tell what others compile), and only a user token gets the serving token (see ClusterView).
   */
  public ClusterView view(String token) {
    boolean user = config.userTokens().contains(token);
    boolean member = user || config.servantTokens().contains(token);
    JsonArray summaries = new JsonArray();
    List<RunningTask> running = new ArrayList<>();
    for (Servant s : servants.all()) {
      summaries.add(s.summary(config.servantMinMemoryBytes()));
      if (member) {
        running.addAll(s.reportedTasks());
      }
    }
    return new ClusterView(summaries, running, user ? tokens.active() : "", warmingUp());
  }

  /** Servants, their capacity and their running grants, summed as in the view but without building it. */
  ServantRegistry.Totals totals() {
    return servants.totals();
  }

  /** Changes whenever a servant joins or leaves. */
  long membership() {
    return servants.joinsAndLeaves();
  }

  public int pendingWaiters() {
    return waiters.size();
  }

  public int liveGrants() {
    return leases.size();
  }

  /** The registry itself, for tests that check the index against a scan of it. */
  ServantRegistry servants() {
    return servants;
  }

  /** Takes as many free slots as the request wants, without waiting; empty if none is free. */
  private List<Grant> grab(GrantRequest req) {
    String poolKey = ServantPolicy.poolKey(req.compilerDigest(), req.sourceTree());
    if (!servants.index().anyEligible(poolKey, req.minVersion())) {
      throw new SchedulerException(FailureCodes.ENVIRONMENT_NOT_AVAILABLE,
          "no servant " + (req.sourceTree() ? "running source-tree tasks " : "") + "has the compiler with digest "
              + req.compilerDigest()
              + (req.minVersion() > 0 ? " at version >= " + req.minVersion() : ""));
    }
    checkGrantLimit(req.token());
    Instant expiresAt = clock.instant().plusMillis(req.leaseMs());
    GrantHolder holder = new GrantHolder(req.token(), req.requestorId());
    Set<String> excluded = req.excludeLocations().isEmpty() ? Set.of() : new HashSet<>(req.excludeLocations());
    List<Grant> grants = new ArrayList<>();
    // Long, since immediate + prefetch may overflow an int; the limit then trims the batch.
    int wanted = (int) Math.min((long) req.immediate() + req.prefetch(),
        config.maxGrantsPerToken() - leases.heldBy(req.token()));
    while (grants.size() < wanted) {
      Optional<Servant> pick =
          ServantPolicy.choose(servants.index(), poolKey, req.minVersion(), req.requestorHost(), excluded);
      if (pick.isEmpty()) {
        break;
      }
      Servant s = pick.get();
      servants.assigned(s);
      GrantLeases.Lease l = leases.issue(s.id(), holder, expiresAt);
      grants.add(new Grant(l.grantId, s.id(), s.heartbeat().location()));
    }
    return grants;
  }

  /** Offers free slots to waiters, oldest first; completes them only after the queue is settled. */
  private void wakeWaiters() {
    if (waiters.isEmpty()) {
      return;
    }
    expireWaiters();
    List<Runnable> completions = new ArrayList<>();
    waiters.removeIf(w -> {
      try {
        List<Grant> grants = grab(w.request());
        if (grants.isEmpty()) {
          return false;
        }
        GrantReply reply = new GrantReply(grants, tokens.active());
        completions.add(() -> w.reply().complete(reply));
      } catch (SchedulerException e) {
        if (waitsOutWarmup(e)) {
          return false;
        }
        completions.add(() -> w.reply().completeExceptionally(e));
      }
      return true;
    });
    completions.forEach(Runnable::run);
  }

  /** A compiler nobody reported yet, while heartbeats may still be arriving: worth waiting for. */
  private boolean waitsOutWarmup(SchedulerException e) {
    return e.code() == FailureCodes.ENVIRONMENT_NOT_AVAILABLE && warmingUp();
  }

  /**
   * Whether servants may still be missing because their first heartbeat to us is yet to come, or
   * because one that left with its node may be back with its next heartbeat.
   */
  public boolean warmingUp() {
    Instant now = clock.instant();
    return (!warm && now.isBefore(warmUntil)) || departed.inGrace(now);
  }

  private void checkUserToken(String token) {
    if (!config.userTokens().contains(token)) {
      throw new SchedulerException(FailureCodes.ACCESS_DENIED, "invalid token");
    }
  }

  /** Refuses outright, rather than waiting: slots freeing up elsewhere would not help this token. */
  private void checkGrantLimit(String token) {
    int held = leases.heldBy(token);
    if (held >= config.maxGrantsPerToken()) {
      throw new SchedulerException(FailureCodes.GRANT_LIMIT, "this token already holds " + held
          + " grants, the most scheduler.maxGrantsPerToken allows; free or let some lapse first");
    }
  }

  private static SchedulerException noQuota(GrantRequest req) {
    return new SchedulerException(FailureCodes.NO_QUOTA,
        "every servant with compiler " + req.compilerDigest() + " is busy; retry later");
  }
}
