package dev.vxcc.cache;

import dev.vxcc.cache.client.CacheAddresses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;

/**
 * Refuses a Put before its body is read unless the call's metadata carries a servant token. gRPC
 * hands a handler the whole message, so a token checked only inside it would let anyone holding a
 * cluster certificate make the cache buffer {@code cache.maxEntryBytes} per call; the token in the
 * message is still checked, so the header adds a gate and takes nothing away.
 */
public final class PutGate implements Handler<HttpServerRequest> {
  static final String PUT_PATH = "/vxcc.v1.Cache/Put";
  /** gRPC's PERMISSION_DENIED. */
  private static final String PERMISSION_DENIED = "7";

  private final Handler<HttpServerRequest> grpc;
  private final Set<String> servantTokens;

  public PutGate(Handler<HttpServerRequest> grpc, Set<String> servantTokens) {
    this.grpc = grpc;
    this.servantTokens = servantTokens;
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (PUT_PATH.equals(req.path()) && !servantTokens.contains(String.valueOf(req.getHeader(CacheAddresses.TOKEN_HEADER)))) {
      // A trailers-only answer: the status travels in the headers and the stream ends unread.
      req.response()
          .putHeader("content-type", "application/grpc")
          .putHeader("grpc-status", PERMISSION_DENIED)
          .putHeader("grpc-message", "invalid token")
          .end();
      return;
    }
    grpc.handle(req);
  }
}
