package dev.vxcc.cache;

import dev.vxcc.common.util.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an HTTP request path points in the cache. ccache's http storage appends the entry to the
 * URL's path in one of three layouts: {@code flat} ({@code <base>/<key>}), {@code subdirs}
 * ({@code <base>/<first 2 chars>/<rest>}) and {@code bazel} ({@code <base>/ac/<64 hex>}); a Bazel
 * client uses {@code <base>/ac/<sha256>} and {@code <base>/cas/<sha256>}. A ccache key is 4 hex
 * digits and 29 base32hex digits (lowercase {@code 0-9a-v}); a little room either way is allowed.
 *
 * <p>The stored key is {@link CacheKeys#HTTP_PREFIX} plus the SHA-256 of (family, base, key):
 * the request path never reaches a file name, two base paths are two namespaces (as on a plain
 * HTTP server), and {@code flat} and {@code subdirs} clients of one base share entries.
 *
 * @param family what the entry is: a ccache entry, a Bazel action result, or Bazel content
 * @param storeKey the key in the {@link CacheStore}
 * @param contentSha256 for {@link Family#CAS}, the digest the stored bytes must have
 */
public record HttpCacheKey(Family family, String storeKey, Optional<String> contentSha256) {
  public enum Family { CCACHE, AC, CAS }

  /** Longest path accepted; a few base segments and a key fit easily. */
  static final int MAX_PATH_LENGTH = 512;
  static final int MIN_CCACHE_KEY = 20;
  static final int MAX_CCACHE_KEY = 64;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CCACHE_KEY = Pattern.compile("[0-9a-v]{" + MIN_CCACHE_KEY + "," + MAX_CCACHE_KEY + "}");
  private static final Pattern SUBDIR = Pattern.compile("[0-9a-v]{2}");

  /** The entry the path names; {@link IllegalArgumentException} with a reason when it names none. */
  public static HttpCacheKey parse(String path) {
    if (path == null || !path.startsWith("/") || path.length() > MAX_PATH_LENGTH) {
      throw new IllegalArgumentException("path must start with '/' and be at most " + MAX_PATH_LENGTH + " characters");
    }
    List<String> segments = Arrays.asList(path.substring(1).split("/", -1));
    for (String s : segments) {
      if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
        throw new IllegalArgumentException("path segment '" + abbreviate(s) + "' is empty, '.', '..' or has characters"
            + " other than A-Z a-z 0-9 . _ ~ -");
      }
    }
    int n = segments.size();
    String last = segments.get(n - 1);
    String previous = n >= 2 ? segments.get(n - 2) : null;
    // Bazel first: "ac" is also a valid first pair of a subdirs key, and the order must be fixed
    // so that a path always names the same entry.
    if (previous != null && SHA256_HEX.matcher(last).matches() && (previous.equals("ac") || previous.equals("cas"))) {
      Family f = previous.equals("ac") ? Family.AC : Family.CAS;
      return of(f, segments.subList(0, n - 2), last, f == Family.CAS ? Optional.of(last) : Optional.empty());
    }
    if (previous != null && SUBDIR.matcher(previous).matches() && CCACHE_KEY.matcher(previous + last).matches()) {
      return of(Family.CCACHE, segments.subList(0, n - 2), previous + last, Optional.empty());
    }
    if (CCACHE_KEY.matcher(last).matches()) {
      return of(Family.CCACHE, segments.subList(0, n - 1), last, Optional.empty());
    }
    throw new IllegalArgumentException("'" + abbreviate(path) + "' names no cache entry: expected <base>/<ccache key>, "
        + "<base>/<2 characters>/<rest of the key> (" + MIN_CCACHE_KEY + ".." + MAX_CCACHE_KEY + " of 0-9a-v), "
        + "or <base>/ac|cas/<64 lowercase hex>");
  }

  private static HttpCacheKey of(Family family, List<String> base, String key, Optional<String> contentSha256) {
    String identity = family.name() + "\n" + String.join("/", base) + "\n" + key;
    byte[] digest = Digests.sha256().digest(identity.getBytes(StandardCharsets.UTF_8));
    return new HttpCacheKey(family, CacheKeys.HTTP_PREFIX + HexFormat.of().formatHex(digest), contentSha256);
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
