package dev.vxcc.common.bus;

/** Failure codes carried by {@code Message.fail} replies; shared by every role. */
public final class FailureCodes {
  private FailureCodes() {}

  public static final int INVALID_ARGUMENT = 400;
  public static final int ACCESS_DENIED = 403;
  /** No servant in the cluster has the requested compiler. */
  public static final int ENVIRONMENT_NOT_AVAILABLE = 404;
  /** A standby scheduler answered: ask again, which reaches the next registered scheduler (see SchedulerBus). */
  public static final int NOT_ACTIVE = 421;
  public static final int VERSION_TOO_OLD = 426;
  /** The token already holds as many grants as the scheduler allows one token; free some first. */
  public static final int GRANT_LIMIT = 429;
  /** Every servant that could take the task is busy; retry later. */
  public static final int NO_QUOTA = 503;
}
