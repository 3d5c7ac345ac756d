package dev.vxcc.daemon.servant;

import io.vertx.core.json.JsonObject;

/**
 * How far a servant trusts a stranger's task, and how much a delegate accepts back. Keys live in
 * the {@code "daemon"} section; see README's configuration table.
 *
 * @param user compilers run as this user when the daemon runs as root; "" = do not switch
 * @param allowRoot serve even though compilers would run as root
 * @param cpuSeconds RLIMIT_CPU of each compiler process; 0 = none
 * @param addressSpaceBytes RLIMIT_AS of each compiler process; 0 = none
 * @param maxSourceBytes largest decompressed source a servant accepts
 * @param maxMessageBytes largest gRPC message a servant reads (the compressed source and the rest)
 * @param inFlightBytes compressed plus decompressed source bytes of all unfinished tasks together
 * @param maxResultBytes largest decompressed result (objects, stdout, stderr) a delegate accepts
 */
public record ServantLimits(String user, boolean allowRoot, long cpuSeconds, long addressSpaceBytes, long maxSourceBytes,
    long maxMessageBytes, long inFlightBytes, long maxResultBytes) {

  public static ServantLimits fromJson(JsonObject j, long taskTimeoutMs) {
    ServantLimits l = new ServantLimits(
        j.getString("servantUser", "nobody"),
        j.getBoolean("servantAllowRoot", false),
        j.getLong("servantCpuSeconds", Math.max(1, (taskTimeoutMs + 999) / 1000)),
        j.getLong("servantAddressSpaceBytes", 4L << 30),
        j.getLong("servantMaxSourceBytes", 256L << 20),
        j.getLong("servantMaxMessageBytes", 64L << 20),
        j.getLong("servantInFlightBytes", 1L << 30),
        j.getLong("maxResultBytes", 1L << 30));
    if (l.cpuSeconds < 0 || l.addressSpaceBytes < 0 || l.maxSourceBytes <= 0 || l.maxMessageBytes <= 0
        || l.inFlightBytes <= 0 || l.maxResultBytes <= 0 || l.maxResultBytes > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("daemon.servant* byte and time limits must be positive (cpu/address space: 0 = none),"
          + " maxResultBytes below 2 GiB");
    }
    if (l.user.indexOf('\0') >= 0 || l.user.startsWith("-")) {
      throw new IllegalArgumentException("daemon.servantUser must be a user name or uid");
    }
    return l;
  }
}
