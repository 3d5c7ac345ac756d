package dev.vxcc.daemon.doctor;

import java.util.List;

/**
 * One line of {@code vxcc doctor}: what was checked, how it stands, and (unless OK) what to do.
 *
 * @param name short name of the check, printed before the colon
 * @param text the finding and, for WARN and FAIL, the fix
 */
public record Check(Status status, String name, String text) {
  public enum Status { OK, WARN, FAIL }

  public static Check ok(String name, String text) {
    return new Check(Status.OK, name, text);
  }

  public static Check warn(String name, String text) {
    return new Check(Status.WARN, name, text);
  }

  public static Check fail(String name, String text) {
    return new Check(Status.FAIL, name, text);
  }

  /** As the user sees it, e.g. {@code WARN path: ...}; the status is padded so the names line up. */
  public String line() {
    return String.format("%-4s %s: %s", status, name, text);
  }

  public static String render(List<Check> checks) {
    StringBuilder sb = new StringBuilder();
    checks.forEach(c -> sb.append(c.line()).append('\n'));
    return sb.toString();
  }

  /** 1 if anything failed; warnings alone leave a working (if slower) set-up, so 0. */
  public static int exitCode(List<Check> checks) {
    return checks.stream().anyMatch(c -> c.status == Status.FAIL) ? 1 : 0;
  }
}
