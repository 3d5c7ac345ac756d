package dev.vxcc.daemon.local;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One local API on a socket of the test's own, as the verticle tests of this package use it. */
final class LocalApiFixture {
  private LocalApiFixture() {}

  /** One local slot, no serving, 1 MiB bodies: small sources stay local unless the test says so. */
  static void deploy(Vertx vertx, Path socket) throws Exception {
    JsonObject daemon = new JsonObject().put("token", "t").put("host", "test").put("localSocket", socket.toString())
        .put("maxLocalTasks", 1).put("lightweightRatio", 0.0).put("maxRemoteTasks", 0)
        .put("minRemoteSourceBytes", 1 << 20).put("localMaxRequestBytes", 1 << 20);
    vertx.deployVerticle(new LocalApiVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("daemon", daemon)))
        .await(60, TimeUnit.SECONDS);
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
