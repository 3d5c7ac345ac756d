package dev.vxcc.cache;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Maps an HTTP {@code Authorization} header onto the cache's tokens, with the gRPC endpoint's
 * rule: {@code cache.userTokens} read, {@code cache.servantTokens} read and write. ccache sends
 * {@code Bearer <token>} (its {@code bearer-token} attribute) or {@code Basic} with the
 * {@code user:password} of the URL; with Basic the password is the token and the user name is
 * free. There is no anonymous access at all.
 */
final class HttpAuth {
  enum Access {
    /** No usable credentials: 401. */
    NONE,
    /** Credentials that match no token: 403. */
    UNKNOWN,
    READ,
    READ_WRITE;

    boolean mayRead() {
      return this == READ || this == READ_WRITE;
    }
  }

  private final Set<String> userTokens;
  private final Set<String> servantTokens;

  HttpAuth(Set<String> userTokens, Set<String> servantTokens) {
    this.userTokens = userTokens;
    this.servantTokens = servantTokens;
  }

  Access of(String authorization) {
    String token = token(authorization);
    if (token == null || token.isEmpty()) {
      return Access.NONE;
    }
    if (servantTokens.contains(token)) {
      return Access.READ_WRITE;
    }
    return userTokens.contains(token) ? Access.READ : Access.UNKNOWN;
  }

  /** The token the header carries, or null when it carries none in a form we know. */
  static String token(String authorization) {
    if (authorization == null) {
      return null;
    }
    String h = authorization.strip();
    int space = h.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = h.substring(0, space).toLowerCase(Locale.ROOT);
    String credentials = h.substring(space + 1).strip();
    return switch (scheme) {
      case "bearer" -> credentials;
      case "basic" -> basicPassword(credentials);
      default -> null;
    };
  }

  private static String basicPassword(String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? null : decoded.substring(colon + 1);
  }
}
