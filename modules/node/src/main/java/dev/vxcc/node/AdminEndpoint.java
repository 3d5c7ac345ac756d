package dev.vxcc.node;

import dev.vxcc.daemon.local.PeerIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's operator endpoint: HTTP on a Unix socket of mode 0600 in a directory of mode 0700,
 * and every caller's kernel credentials checked (this node's user or root). A socket rather than
 * loopback TCP with a token: the kernel enforces who may connect, there is no token file to keep
 * secret and no port to allocate, and several nodes on one machine simply use several paths.
 *
 * <p>{@code POST /redeploy?role=ROLE} with configuration to merge over the running one (JSON, may
 * be empty) as body; answers 200 with one line, or 4xx/5xx with the reason.
 */
final class AdminEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);
  static final long MAX_BODY_BYTES = 1 << 20;

  private final Vertx vertx;
  private final Path socket;
  private final RoleDeployments roles;
  /** A redeploy's -conf (merged over the running user configuration) to the node's effective configuration, validated. */
  private final Function<JsonObject, JsonObject> effective;
  private final int ownUid;
  private HttpServer server;

  AdminEndpoint(Vertx vertx, Path socket, RoleDeployments roles, Function<JsonObject, JsonObject> effective) throws IOException {
    this.vertx = vertx;
    this.socket = socket;
    this.roles = roles;
    this.effective = effective;
    this.ownUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  /** Default path: one per user, so that nodes of different users never meet. */
  static Path defaultPath() {
    String user = System.getProperty("user.name", "unknown");
    return "root".equals(user) ? Path.of("/run/vxcc/admin.sock") : Path.of(System.getProperty("java.io.tmpdir"), "vxcc-" + user, "admin.sock");
  }

  Future<Void> start() {
    server = vertx.createHttpServer(new HttpServerOptions());
    return vertx.executeBlocking(() -> {
          prepare();
          return null;
        }, false)
        .compose(v -> server.requestHandler(this::handle).listen(SocketAddress.domainSocketAddress(socket.toString())))
        .compose(s -> vertx.executeBlocking(() -> {
          Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
          return null;
        }, false))
        .onSuccess(v -> LOG.info("admin endpoint on {}", socket))
        .mapEmpty();
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close().compose(v -> vertx.executeBlocking(() -> {
      Files.deleteIfExists(socket);
      return null;
    }, false));
  }

  private void prepare() throws IOException {
    Path dir = socket.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      // A node that died leaves its socket behind; a live one is found by connecting.
      try (var probe = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
        probe.connect(java.net.UnixDomainSocketAddress.of(socket));
        throw new IOException("another node's admin endpoint is listening on " + socket + " (use -admin-socket)");
      } catch (java.net.ConnectException dead) {
        Files.delete(socket);
      }
    }
  }

  private void handle(HttpServerRequest req) {
    PeerIdentity peer;
    try {
      peer = PeerIdentity.of(req.connection());
    } catch (IOException | RuntimeException e) {
      answer(req, 403, "cannot identify the caller: " + e.getMessage());
      return;
    }
    if (peer.uid() != ownUid && peer.uid() != 0) {
      answer(req, 403, "only uid " + ownUid + " or root may administer this node");
      return;
    }
    if (!"/redeploy".equals(req.path()) || req.method() != io.vertx.core.http.HttpMethod.POST) {
      answer(req, 404, "unknown request " + req.method() + " " + req.path() + " (POST /redeploy?role=ROLE)");
      return;
    }
    String role = req.getParam("role", "");
    req.body().onComplete(ar -> {
      if (ar.failed()) {
        answer(req, 400, "cannot read the request: " + ar.cause().getMessage());
        return;
      }
      JsonObject next;
      try {
        if (ar.result().length() > MAX_BODY_BYTES) {
          throw new IllegalArgumentException("configuration larger than " + MAX_BODY_BYTES + " bytes");
        }
        String text = ar.result().toString().trim();
        next = text.isEmpty() ? roles.config() : effective.apply(new JsonObject(text));
        ConfigCheck.validate(next, roles.roles().contains(role) ? java.util.List.of(role) : java.util.List.of());
      } catch (RuntimeException e) {
        answer(req, 400, "refused: " + e.getMessage());
        return;
      }
      LOG.info("redeploy of {} requested over the admin endpoint", role);
      roles.redeploy(role, next).onComplete(done -> answer(req, done.succeeded() ? 200 : (done.cause() instanceof IllegalArgumentException ? 400 : 500),
          done.succeeded() ? done.result() : "failed: " + done.cause().getMessage()));
    });
  }

  private static void answer(HttpServerRequest req, int status, String line) {
    req.response().setStatusCode(status).putHeader("content-type", "text/plain").end(line + "\n");
  }
}
