package dev.vxcc.cache;

import java.util.regex.Pattern;

/**
 * What a cache key may look like: a SHA-256 in lowercase hex, optionally behind a short prefix
 * naming the entry format (for example {@code cxx1-}). The shape is checked at the edge so a key
 * is always safe as a file name and spreads evenly over the disk engine's 256 directories.
 */
public final class CacheKeys {
  private CacheKeys() {}

  public static final int DIGEST_HEX_LENGTH = 64;
  /**
   * Prefix of every entry the HTTP endpoint (ccache, Bazel) stores: its keys are digests of the
   * request path, so they can never equal a gRPC key, and the gRPC endpoint refuses this prefix so
   * a gRPC client can never overwrite them either.
   */
  public static final String HTTP_PREFIX = "http1-";
  private static final Pattern KEY = Pattern.compile("(?:[a-z][a-z0-9-]{0,30}-)?[0-9a-f]{64}");

  public static boolean isValid(String key) {
    return key != null && key.length() <= 32 + DIGEST_HEX_LENGTH && KEY.matcher(key).matches();
  }

  /** Whether the key belongs to the HTTP endpoint's namespace ({@link #HTTP_PREFIX}). */
  public static boolean isHttp(String key) {
    return key.startsWith(HTTP_PREFIX);
  }

  /** The two hex digits that pick one of 256 buckets: the start of the digest, not of the prefix. */
  public static String bucket(String key) {
    int start = key.length() - DIGEST_HEX_LENGTH;
    return key.substring(start, start + 2);
  }

  public static String requireValid(String key) {
    if (!isValid(key)) {
      throw new IllegalArgumentException("invalid cache key: expected 64 lowercase hex characters, optionally "
          + "after a prefix like 'cxx1-'; got '" + abbreviate(key) + "'");
    }
    return key;
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
