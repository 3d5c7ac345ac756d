package dev.vxcc.daemon.local;

import io.vertx.core.buffer.Buffer;

/**
 * A delegate's answer to a {@link LocalCall}. {@code notMine}: the call names a task this delegate
 * does not hold, so the front asks the previous delegate, still draining, before answering with it.
 */
record LocalReply(int status, String contentType, Buffer body, boolean notMine) {
  static LocalReply ok(String contentType, Buffer body) {
    return new LocalReply(200, contentType, body, false);
  }

  static LocalReply refused(int status, String reason) {
    return new LocalReply(status, "text/plain", Buffer.buffer(reason), false);
  }

  /** The request as a call, for a delegate serving its own socket. */
  static LocalCall callOf(io.vertx.ext.web.RoutingContext ctx) {
    return new LocalCall(ctx.request().method().name(), ctx.request().path(), "json".equals(ctx.queryParams().get("format")),
        ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer(), RequestGuard.peer(ctx));
  }

  /** Writes the answer; a failure to answer at all is a 503, on which the wrapper compiles locally. */
  static void send(io.vertx.ext.web.RoutingContext ctx, io.vertx.core.AsyncResult<LocalReply> ar) {
    if (ar.failed()) {
      RequestGuard.refuse(ctx, 503, "the daemon did not answer: " + ar.cause().getMessage());
    } else if (ar.result().status() != 200) {
      RequestGuard.refuse(ctx, ar.result().status(), ar.result().body().toString());
    } else {
      ctx.response().putHeader("content-type", ar.result().contentType()).end(ar.result().body());
    }
  }

  LocalReply notMine(boolean notMine) {
    return new LocalReply(status, contentType, body, notMine);
  }
}
