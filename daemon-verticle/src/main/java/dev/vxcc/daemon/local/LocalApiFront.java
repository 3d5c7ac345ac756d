package dev.vxcc.daemon.local;

import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.util.ListenFailure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API's socket, kept while the delegate behind it is redeployed: a socket that went away
 * for a moment would make every wrapper that tried it compile locally. Each request goes to the
 * newest delegate; a request about a task goes to the delegate that holds it (an older one still
 * draining), and a release to all of them, since any may hold the caller's slot.
 */
public final class LocalApiFront extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LocalApiFront.class);
  static final String JOIN = "vxcc.local-api.join";
  static final String RETIRE = "vxcc.local-api.retire";
  static final String LEAVE = "vxcc.local-api.leave";
  private static final String CALLS = "vxcc.local-api.calls.";
  /** Above the longest answer a delegate gives (long polls, the compile decision). */
  static final long CALL_TIMEOUT_MS = 60_000;

  private record Delegate(String id, boolean retired) {}

  /** Newest first. */
  private final List<Delegate> delegates = new ArrayList<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private LocalApiConfig api;
  private HttpServer server;

  static String callsAddress(String delegateId) {
    return CALLS + delegateId;
  }

  @Override
  public Future<?> start() {
    try {
      api = LocalApiConfig.fromNodeConfig(config());
      PeerIdentity.requireNativeTransport(vertx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    vertx.eventBus().registerDefaultCodec(LocalCall.class, new InJvmCodec<>(LocalCall.class));
    vertx.eventBus().registerDefaultCodec(LocalReply.class, new InJvmCodec<>(LocalReply.class));
    consumers.add(vertx.eventBus().<String>localConsumer(JOIN, m -> {
      delegates.add(0, new Delegate(m.body(), false));
      m.reply("joined");
    }));
    consumers.add(vertx.eventBus().<String>localConsumer(RETIRE, m -> {
      delegates.replaceAll(d -> d.id().equals(m.body()) ? new Delegate(d.id(), true) : d);
      m.reply("retired");
    }));
    consumers.add(vertx.eventBus().<String>localConsumer(LEAVE, m -> {
      delegates.removeIf(d -> d.id().equals(m.body()));
      m.reply("left");
    }));
    // Before any delegate starts: it must find us rather than open the socket itself.
    vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.LOCAL_API_FRONT, api.socket().toString());
    String socket = api.socket().toString();
    server = vertx.createHttpServer(new HttpServerOptions());
    Router r = Router.router(vertx);
    RequestGuard.install(r, api.maxRequestBytes());
    r.route().handler(this::relay);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> vertx.executeBlocking(() -> {
          LocalSocketFile.prepare(api.socket());
          return null;
        }, false))
        .compose(v -> server.requestHandler(r).listen(SocketAddress.domainSocketAddress(socket)))
        .recover(e -> Future.failedFuture(ListenFailure.of("local API (wrappers' socket)", socket, "daemon.localSocket", e)))
        .compose(s -> vertx.executeBlocking(() -> {
          LocalSocketFile.openToEveryone(api.socket());
          return s;
        }, false))
        .onSuccess(s -> vertx.sharedData().getLocalMap(NodeKeys.MAP).put(NodeKeys.LOCAL_API, socket));
  }

  private void relay(RoutingContext ctx) {
    LocalCall call = LocalReply.callOf(ctx);
    List<String> active = delegates.stream().filter(d -> !d.retired()).map(Delegate::id).toList();
    List<String> all = delegates.stream().map(Delegate::id).toList();
    if (active.isEmpty()) {
      RequestGuard.refuse(ctx, 503, "the daemon's local API is starting or stopping");
      return;
    }
    Future<LocalReply> answer;
    if ("/local/release".equals(call.path())) {
      // Releasing what one does not hold is a no-op, so every delegate may be asked.
      answer = Future.all(all.stream().map(id -> send(id, call)).toList()).map(cf -> cf.<LocalReply>resultAt(0));
    } else {
      List<String> order = new ArrayList<>(List.of(active.get(0)));
      all.stream().filter(id -> !id.equals(active.get(0))).forEach(order::add);
      answer = firstOwner(order, 0, call, null);
    }
    answer.onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("{} not answered: {}", call.path(), ar.cause().toString());
      }
      LocalReply.send(ctx, ar);
    });
  }

  /** The answer of the first delegate that holds the call's task, else the newest one's. */
  private Future<LocalReply> firstOwner(List<String> order, int i, LocalCall call, LocalReply newest) {
    return send(order.get(i), call).compose(reply -> {
      LocalReply first = newest == null ? reply : newest;
      if (!reply.notMine()) {
        return Future.succeededFuture(reply);
      }
      return i + 1 < order.size() ? firstOwner(order, i + 1, call, first) : Future.succeededFuture(first);
    });
  }

  private Future<LocalReply> send(String delegateId, LocalCall call) {
    return vertx.eventBus().<LocalReply>request(callsAddress(delegateId), call, new DeliveryOptions().setLocalOnly(true).setSendTimeout(CALL_TIMEOUT_MS))
        .map(Message::body);
  }

  @Override
  public Future<?> stop() {
    vertx.sharedData().getLocalMap(NodeKeys.MAP).remove(NodeKeys.LOCAL_API_FRONT);
    vertx.eventBus().unregisterDefaultCodec(LocalCall.class);
    vertx.eventBus().unregisterDefaultCodec(LocalReply.class);
    return server == null ? Future.succeededFuture()
        : server.close().compose(v -> vertx.executeBlocking(() -> Files.deleteIfExists(api.socket()), false));
  }
}
