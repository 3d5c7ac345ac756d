package dev.vxcc.cache;

import dev.vxcc.cache.HttpAuth.Access;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache over plain HTTP for ccache's http remote storage and Bazel's HTTP remote cache:
 * {@code GET}, {@code HEAD} and {@code PUT} on paths {@link HttpCacheKey} understands, into the
 * same {@link CacheStore} as gRPC. Credentials, method and key are checked before a body is read,
 * so a refused or oversized PUT costs no buffering. Every refusal is a 4xx status, which ccache
 * takes as a miss on a read and a failed upload (logged, build carries on) on a write. A HEAD
 * answers from metadata ({@link CacheStore#size}: memory, the disk engine's index; the Hazelcast
 * engine still reads the entry), so a corrupt entry is found only by the GET that follows; it is
 * not counted as a hit or miss: ccache sends one before some uploads, and it says nothing about
 * the build's hit rate.
 */
final class HttpCacheEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(HttpCacheEndpoint.class);
  private static final String ENTRY = "vxcc.httpCacheKey";

  private final CacheStore store;
  private final WorkerExecutor workers;
  private final HttpAuth auth;
  private final long maxEntryBytes;

  HttpCacheEndpoint(CacheStore store, WorkerExecutor workers, CacheConfig cfg) {
    this.store = store;
    this.workers = workers;
    this.auth = new HttpAuth(cfg.userTokens(), cfg.servantTokens());
    this.maxEntryBytes = cfg.maxEntryBytes();
  }

  Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(this::admit);
    // Past admit, so only an authorised request for a valid key gets its body read; the limit
    // answers 413. GET and HEAD go through it too: a request the router paused and nobody read to
    // its end can stall the next request on a kept-alive connection.
    router.route().handler(BodyHandler.create(false).setBodyLimit(maxEntryBytes));
    router.get().handler(ctx -> read(ctx, true));
    router.head().handler(this::head);
    router.put().handler(this::write);
    router.route().failureHandler(this::failed);
    return router;
  }

  /** Method, credentials, key: whatever is wrong is answered here, the body dropped unbuffered. */
  private void admit(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    if (m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.PUT) {
      ctx.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD, PUT");
      refuse(ctx, 405, "only GET, HEAD and PUT are served");
      return;
    }
    Access access = auth.of(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (access == Access.NONE) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vxcc-cache\"");
      refuse(ctx, 401, "a cache token is required (Bearer, or as the password of Basic auth)");
      return;
    }
    if (access == Access.UNKNOWN) {
      refuse(ctx, 403, "invalid token");
      return;
    }
    if (m == HttpMethod.PUT && access != Access.READ_WRITE) {
      // Only servants write: a user who could put could hand everyone else a poisoned object file.
      refuse(ctx, 403, "this token may only read");
      return;
    }
    HttpCacheKey key;
    try {
      key = HttpCacheKey.parse(ctx.request().path());
    } catch (IllegalArgumentException e) {
      refuse(ctx, 400, e.getMessage());
      return;
    }
    ctx.put(ENTRY, key).next();
  }

  private void read(RoutingContext ctx, boolean withBody) {
    HttpCacheKey key = ctx.get(ENTRY);
    workers.executeBlocking(() -> store.get(key.storeKey()), false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Optional<byte[]> value = ar.result();
      if (withBody) {
        if (value.isPresent()) {
          store.http().hit();
        } else {
          store.http().miss();
        }
      }
      if (value.isEmpty()) {
        refuse(ctx, 404, "no such entry");
        return;
      }
      HttpServerResponse resp = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
      if (withBody) {
        resp.end(Buffer.buffer(value.get()));
      } else {
        resp.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(value.get().length)).end();
      }
    });
  }

  private void head(RoutingContext ctx) {
    HttpCacheKey key = ctx.get(ENTRY);
    workers.executeBlocking(() -> store.size(key.storeKey()), false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        refuse(ctx, 404, "no such entry");
      } else {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
            .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(ar.result().getAsLong())).end();
      }
    });
  }

  private void write(RoutingContext ctx) {
    HttpCacheKey key = ctx.get(ENTRY);
    byte[] value = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    Future<Void> stored = workers.executeBlocking(() -> {
      if (key.contentSha256().isPresent()
          && !key.contentSha256().get().equals(HexFormat.of().formatHex(EntryCodec.sha256(value)))) {
        return false;
      }
      store.put(key.storeKey(), value);
      return true;
    }, false).compose(ok -> {
      if (!ok) {
        refuse(ctx, 400, "the body's SHA-256 is not the cas key");
        return Future.succeededFuture();
      }
      store.http().put();
      LOG.debug("http put {} ({} bytes)", key.storeKey(), value.length);
      return ctx.response().end();
    });
    stored.onFailure(ctx::fail);
  }

  /** BodyHandler's 413 and anything that threw; the latter is logged and answered 500. */
  private void failed(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      refuse(ctx, 413, "entry larger than cache.maxEntryBytes " + maxEntryBytes);
      return;
    }
    if (status >= 400 && status < 500) {
      refuse(ctx, status, "bad request");
      return;
    }
    LOG.warn("cache HTTP request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    refuse(ctx, 500, "cache error: " + (ctx.failure() == null ? "unknown" : ctx.failure().getMessage()));
  }

  /**
   * Answers once the request has been read to its end, its body dropped as it comes (never
   * buffered): answering early or closing under unread bytes makes clients lose the answer or
   * stall the next request on a kept-alive connection. A body beyond twice the entry bound is not
   * worth reading: that connection is answered and closed.
   */
  private void refuse(RoutingContext ctx, int status, String message) {
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
    HttpServerRequest req = ctx.request();
    Runnable answer = () -> {
      if (!resp.ended() && !resp.closed()) {
        resp.end(req.method() == HttpMethod.HEAD ? "" : message + "\n");
      }
    };
    if (req.isEnded()) {
      answer.run();
      return;
    }
    long[] dropped = {0};
    req.handler(chunk -> {
      dropped[0] += chunk.length();
      if (dropped[0] > 2 * maxEntryBytes && !resp.ended()) {
        resp.putHeader(HttpHeaders.CONNECTION, "close");
        answer.run();
      }
    });
    req.endHandler(v -> answer.run());
    req.resume();
  }
}
