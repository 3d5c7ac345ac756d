package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second node on one machine with the same serving port: the error says which server and which setting. */
class ServantListenTest {
  @TempDir
  Path tmp;

  @Test
  void aServingPortInUseNamesTheServantTheAddressAndTheSetting() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      JsonObject daemon = new JsonObject().put("token", "t").put("host", "test").put("servingHost", "127.0.0.1")
          .put("servingPort", taken.getLocalPort()).put("maxRemoteTasks", 1).put("tempDir", tmp.toString());
      Throwable t = vertx.deployVerticle(new ServantVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon)))
          .toCompletionStage().toCompletableFuture().handle((id, e) -> e).get(60, TimeUnit.SECONDS);
      String message = t instanceof java.util.concurrent.CompletionException ? t.getCause().getMessage() : t.getMessage();
      assertEquals("servant gRPC endpoint cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use"
          + " (another vxcc-node running? stop it, or set daemon.servingPort to another value)", message);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
