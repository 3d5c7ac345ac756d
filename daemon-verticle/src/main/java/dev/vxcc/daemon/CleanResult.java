package dev.vxcc.daemon;

import dev.vxcc.daemon.args.LocalReason;

/**
 * When a compile's result is clean, decided once for both sides: the servant caches only clean
 * results, and the delegate redoes a remote compile locally when its result is not one it can
 * hand over as is.
 */
public final class CleanResult {
  private CleanResult() {}

  /** It compiled and printed nothing: the same object and the same (empty) output on any machine. */
  public static boolean clean(int exitCode, boolean stderrEmpty) {
    return exitCode == 0 && stderrEmpty;
  }

  /**
   * Why a remote result must be redone on this machine, or null when the wrapper gets it. A failed
   * compile always is (the local run shows the errors with source snippets the servant cannot);
   * one that printed diagnostics is when exact diagnostics are asked for.
   */
  public static LocalReason redoLocally(int exitCode, boolean stderrEmpty, boolean exactDiagnostics) {
    if (exitCode != 0) {
      return LocalReason.COMPILE_ERROR;
    }
    if (exactDiagnostics && !clean(exitCode, stderrEmpty)) {
      return LocalReason.REMOTE_DIAGNOSTICS;
    }
    return null;
  }
}
