package dev.vxcc.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one gate for what a test needs from the machine and CI provisions (compilers, their Debian
 * layout, running as root: see .ci/run). On a developer's machine a missing piece skips the test;
 * under {@code CI=true} it fails it, so a CI image that lost a package cannot turn checks into
 * silent skips.
 */
public final class Toolchains {
  private Toolchains() {}

  /** Skips the calling test when {@code present} is false, or fails it under CI. */
  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    if (underCi()) {
      Assertions.fail("CI=true and this test needs " + what + ", which .ci/run provides: the CI machine is missing it");
    }
    Assumptions.abort("needs " + what + " (skipped here; under CI=true this fails)");
  }

  /** CI systems set {@code CI=true}; .ci/run sets it too, so running it by hand behaves the same. */
  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }
}
