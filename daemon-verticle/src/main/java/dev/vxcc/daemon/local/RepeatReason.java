package dev.vxcc.daemon.local;

/**
 * Why a compile of one invocation ran more than once (a remote attempt, then another remote
 * attempt or the local compile). Issue 11's rule is that a compile runs twice only after a
 * failure of ours; {@link #ours()} tells those apart from the repeats that exist only to show
 * the user exact diagnostics, which are the ones worth driving to zero. Counted by
 * {@link DelegateStats#repeated} and shown by {@code vxcc --stats}.
 */
enum RepeatReason {
  /** The remote compile succeeded but printed something; exactDiagnostics ran it again locally. */
  REMOTE_DIAGNOSTICS("remote-diagnostics", false),
  /** The remote compile failed; the local one runs again to print the errors with source snippets. */
  COMPILE_ERROR("compile-error", false),
  /** gcc took the main file of our preprocessed input for a header: {@code MainFileAsHeader}. */
  MAIN_FILE_AS_HEADER("main-file-as-header", true),
  /** A servant failed (refused, died, timed out); the task went to another servant. */
  SERVANT_RETRY("servant-retry", true),
  /**
   * The remote side failed for good after the task was sent (retries used up, cancelled, an
   * unusable result): compiled locally. An upper bound: the servant may not have started it.
   */
  REMOTE_FAILED("remote-failed", true);

  private final String code;
  private final boolean ours;

  RepeatReason(String code, boolean ours) {
    this.code = code;
    this.ours = ours;
  }

  String code() {
    return code;
  }

  /** True when the repeat follows a failure of vxcc's own (servant, network), not the compile's. */
  boolean ours() {
    return ours;
  }
}
