package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vxcc.cache.HttpAuth.Access;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HttpAuthTest {
  private final HttpAuth auth = new HttpAuth(Set.of("user-token"), Set.of("servant-token"));

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bearerTokensMapLikeGrpc() {
    assertEquals(Access.READ, auth.of("Bearer user-token"));
    assertEquals(Access.READ_WRITE, auth.of("bearer servant-token"));
    assertEquals(Access.UNKNOWN, auth.of("Bearer guessed"));
  }

  @Test
  void basicCarriesTheTokenAsPassword() {
    assertEquals(Access.READ_WRITE, auth.of(basic("ci:servant-token")));
    assertEquals(Access.READ, auth.of(basic("anyone:user-token")));
    // The user name is not a token: "servant-token:" has an empty password.
    assertEquals(Access.NONE, auth.of(basic("servant-token:")));
    assertEquals(Access.UNKNOWN, auth.of(basic("ci:nope")));
  }

  @Test
  void noUsableCredentialsIsNotAnonymousAccess() {
    assertEquals(Access.NONE, auth.of(null));
    assertEquals(Access.NONE, auth.of(""));
    assertEquals(Access.NONE, auth.of("Bearer"));
    assertEquals(Access.NONE, auth.of("Bearer   "));
    assertEquals(Access.NONE, auth.of("Basic !!!not-base64"));
    assertEquals(Access.NONE, auth.of(basic("no-colon")));
    assertEquals(Access.NONE, auth.of("Digest servant-token"));
    assertNull(HttpAuth.token("servant-token"));
  }
}
