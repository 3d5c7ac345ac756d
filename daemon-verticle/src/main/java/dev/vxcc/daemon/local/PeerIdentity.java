package dev.vxcc.daemon.local;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;

/**
 * Who is at the other end of a local API connection, as the kernel says (SO_PEERCRED on the Unix
 * domain socket), never as the caller claims. The pid is the one the caller had when it connected;
 * the wrapper connects afresh for every request, so it is the wrapper's own pid.
 *
 * <p>The one place that reaches below Vert.x: its public API does not expose the Netty channel,
 * so this uses the connection implementation class (stable across Vert.x 5.0.x).
 */
public record PeerIdentity(long pid, int uid, int gid) {

  /** Fails startup clearly: without epoll there is no domain socket and no peer credentials. */
  public static void requireNativeTransport(Vertx vertx) {
    if (!vertx.isNativeTransportEnabled()) {
      Throwable why = vertx.unavailableNativeTransportCause();
      throw new IllegalStateException("the local API needs Vert.x's native (epoll) transport: build Vert.x with "
          + "VertxOptions.setPreferNativeTransport(true) on Linux x86-64"
          + (why == null ? "" : " (" + why + ")"));
    }
  }

  public static PeerIdentity of(HttpConnection connection) throws IOException {
    if (!(connection instanceof ConnectionBase base)) {
      throw new IOException("unexpected connection type " + connection.getClass().getName());
    }
    Channel ch = base.channel();
    if (!(ch instanceof EpollDomainSocketChannel domain)) {
      throw new IOException("not a Unix domain socket connection: " + ch.getClass().getSimpleName());
    }
    PeerCredentials c = domain.peerCredentials();
    int[] gids = c.gids();
    return new PeerIdentity(c.pid(), c.uid(), gids.length > 0 ? gids[0] : -1);
  }

  boolean isRoot() {
    return uid == 0;
  }
}
