package dev.vxcc.scheduler;

import dev.vxcc.common.bus.FailureCodes;

/**
 * A refusal the caller can act on, carrying one of {@link FailureCodes}. The verticle turns it into
 * {@code message.fail(code, message)} in one place, so the logic never touches the event bus.
 */
public final class SchedulerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;

  public SchedulerException(int code, String message) {
    // Refusals are expected traffic, not bugs: a stack trace per refused request would be noise.
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
