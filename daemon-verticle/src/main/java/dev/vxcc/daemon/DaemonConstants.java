package dev.vxcc.daemon;

/**
 * The daemon's fixed numbers, event-bus addresses and configuration section names, in one place
 * (the tunable ones are in {@link DaemonConfig}).
 */
public final class DaemonConstants {
  private DaemonConstants() {}

  // ---- delegate (local API, dispatch, leases) ----

  // ---- servant ----
}
