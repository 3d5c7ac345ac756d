package dev.vxcc.daemon.local;

import java.util.Map;

/**
 * A finished remote compile.
 *
 * @param filesZstd output suffix (".o", ".dwo", ...) to compressed contents
 * @param servant where it ran, for stats and tests
 */
record RemoteResult(int exitCode, byte[] stdout, byte[] stderr, Map<String, byte[]> filesZstd, String servant) {
  /** The servant name of a result that came from the shared cache. */
  static final String FROM_CACHE = "cache";
}
