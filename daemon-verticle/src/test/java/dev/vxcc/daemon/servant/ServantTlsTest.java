package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxcc.api.v1.ServantGrpcClient;
import dev.vxcc.api.v1.TaskRef;
import dev.vxcc.common.NodeKeys;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The servant's gRPC port answers only callers holding a certificate from the node's CA. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServantTlsTest {
  @TempDir
  Path tmp;

  private final Vertx vertx = Vertx.vertx();

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private Throwable freeTask(SocketAddress servant, NodeTls tls) throws Exception {
    GrpcClient grpc = GrpcClient.client(vertx, new GrpcClientOptions(),
        tls.applyTo(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)));
    try {
      ServantGrpcClient client = ServantGrpcClient.create(grpc, servant);
      TaskRef ref = TaskRef.newBuilder().setToken("not-a-serving-token").setTaskId(1).build();
      return assertThrows(ExecutionException.class, () -> await(client.freeTask(ref))).getCause();
    } finally {
      grpc.close();
    }
  }

  @Test
  void onlyPeersWithACertificateFromTheClusterCaReachTheServant() throws Exception {
    NodeTls cluster = NodeTls.ephemeral(List.of());
    JsonObject config = new JsonObject()
        .put("daemon", new JsonObject().put("token", "t").put("servingPort", 0).put("localPort", 0)
            .put("maxRemoteTasks", 1).put("tempDir", tmp.toString()).put("reportLoad", false))
        .put("tls", cluster.toJson());
    await(vertx.deployVerticle(new ServantVerticle(), new DeploymentOptions().setConfig(config)));
    String location = (String) vertx.sharedData().getLocalMap(NodeKeys.MAP).get(NodeKeys.SERVING);
    SocketAddress servant = SocketAddress.inetSocketAddress(Integer.parseInt(location.substring(location.lastIndexOf(':') + 1)), "127.0.0.1");

    // A member reaches the service, which judges the token.
    Throwable member = freeTask(servant, cluster);
    assertEquals(GrpcStatus.PERMISSION_DENIED, ((InvalidStatusException) member).actualStatus(), member.toString());
    // Strangers never get that far: the connection itself is refused.
    for (NodeTls stranger : List.of(NodeTls.insecure(), NodeTls.ephemeral(List.of()))) {
      Throwable refused = freeTask(servant, stranger);
      assertFalse(refused instanceof InvalidStatusException || refused instanceof GrpcErrorException, stranger + ": " + refused);
    }
  }
}
