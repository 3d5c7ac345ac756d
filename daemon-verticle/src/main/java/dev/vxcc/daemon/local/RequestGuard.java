package dev.vxcc.daemon.local;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;

/**
 * What every local API request passes before a handler sees it: a query string that decodes, a
 * body within the bound (judged on Content-Length before a byte is buffered), and a caller the
 * kernel can name. Every refusal is a 4xx with the reason as the body; none drops the connection.
 */
final class RequestGuard {
  private static final String PEER = "vxcc.peer";

  private RequestGuard() {}

  static void install(Router r, long maxBodyBytes) {
    r.route().handler(ctx -> admit(ctx, maxBodyBytes));
    // Still bounds bodies without Content-Length (chunked) while they stream in.
    r.route().handler(BodyHandler.create().setBodyLimit(maxBodyBytes).setDeleteUploadedFilesOnEnd(true).setHandleFileUploads(false));
    r.errorHandler(404, ctx -> refuse(ctx, 404, "unknown path " + ctx.request().path()));
    r.errorHandler(405, ctx -> refuse(ctx, 405, ctx.request().method() + " is not allowed on " + ctx.request().path()));
    r.errorHandler(413, ctx -> refuse(ctx, 413, tooLarge(maxBodyBytes)));
    r.errorHandler(400, ctx -> refuse(ctx, 400, ctx.failure() == null ? "bad request" : "bad request: " + ctx.failure().getMessage()));
    r.errorHandler(500, ctx -> refuse(ctx, 500, ctx.failure() == null ? "internal error" : "internal error: " + ctx.failure()));
  }

  /** The kernel's word on who sent this request; set for every request that reached a handler. */
  static PeerIdentity peer(RoutingContext ctx) {
    return ctx.get(PEER);
  }

  private static void admit(RoutingContext ctx, long maxBodyBytes) {
    try {
      ctx.request().params();
      ctx.queryParams();
    } catch (RuntimeException e) {
      refuse(ctx, 400, "malformed query string: " + e.getMessage());
      return;
    }
    String length = ctx.request().getHeader("content-length");
    if (length != null) {
      long n;
      try {
        n = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        refuse(ctx, 400, "malformed Content-Length: " + length);
        return;
      }
      if (n > maxBodyBytes) {
        refuse(ctx, 413, tooLarge(maxBodyBytes));
        return;
      }
    }
    try {
      ctx.put(PEER, PeerIdentity.of(ctx.request().connection()));
    } catch (IOException | RuntimeException e) {
      refuse(ctx, 403, "cannot identify the caller: " + e.getMessage());
      return;
    }
    ctx.next();
  }

  private static String tooLarge(long max) {
    return "request body larger than " + max + " bytes (daemon.localMaxRequestBytes)";
  }

  static void refuse(RoutingContext ctx, int status, String reason) {
    if (ctx.response().ended()) {
      return;
    }
    // The rest of an oversize body is not read: the connection cannot be reused.
    ctx.response().setStatusCode(status).putHeader("content-type", "text/plain").putHeader("connection", "close").end(reason + "\n");
  }
}
