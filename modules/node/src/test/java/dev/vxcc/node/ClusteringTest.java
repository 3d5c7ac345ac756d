package dev.vxcc.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClusteringTest {
  @Test
  void aHazelcastPortInUseSaysSoWithTheAddressAndTheOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String member = "127.0.0.1:" + taken.getLocalPort();
      Throwable t = Clustering.start(new VertxOptions(), Path.of("../../conf/cluster.xml"), "127.0.0.1", taken.getLocalPort(),
              List.of(member), "clustering-test-" + ProcessHandle.current().pid(), dev.vxcc.common.net.NodeTls.insecure())
          .toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(120, TimeUnit.SECONDS);
      String message = t instanceof java.util.concurrent.CompletionException ? t.getCause().getMessage() : t.getMessage();
      assertTrue(message.startsWith("Hazelcast cluster member cannot listen on " + member + ": address already in use"), message);
      assertTrue(message.contains("-cluster-port"), message);
    }
  }
}
