package dev.vxcc.daemon.local;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a servant, so that a test can make the servant stop answering while its
 * compile goes on: after {@link #cut()} every open connection is closed and every new one is
 * closed as soon as it is accepted (and counted).
 */
final class CuttableProxy {
  private final NetServer server;
  private final NetClient client;
  private final Queue<NetSocket> open = new ConcurrentLinkedQueue<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile boolean cut;

  CuttableProxy(Vertx vertx, int targetPort) throws Exception {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(in -> {
      if (cut) {
        refused.incrementAndGet();
        in.close();
        return;
      }
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        open.add(in);
        open.add(out);
        in.pipeTo(out);
        out.pipeTo(in);
      });
    });
    server.listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
  }

  String location() {
    return "127.0.0.1:" + server.actualPort();
  }

  void cut() {
    cut = true;
    open.forEach(NetSocket::close);
  }

  /** As a killed servant: open connections dropped, and the port closed so that new ones are refused. */
  void die() throws Exception {
    cut();
    server.close().await(30, TimeUnit.SECONDS);
  }

  /** Connections closed at once since the cut. */
  int refused() {
    return refused.get();
  }
}
