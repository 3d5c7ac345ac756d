package dev.vxcc.testkit;

import dev.vxcc.common.net.ClusterCa;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real cluster on loopback: each node is a separate JVM started through bin/vxcc-node with
 * -cluster, all joined by TCP-IP under a cluster name of their own, so parallel runs never merge.
 * Each cluster has its own CA and each node its own certificate, so nodes talk mutual TLS as in
 * production, and nodes of different test clusters could not talk even if they met.
 */
public final class LoopbackCluster implements AutoCloseable {
  public static final String TOKEN = "test-token";

  private final Path dist;
  private final Path logs;
  private final String name = "vxcc-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private final List<Integer> hzPorts = new ArrayList<>();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final ClusterCa ca = ClusterCa.create("vxcc test cluster CA", Duration.ofDays(1));
  private Path sockets;
  private boolean watching;
  private boolean lite;

  public LoopbackCluster(Path dist, Path logs, int maxNodes) throws IOException {
    this.dist = dist;
    this.logs = logs;
    for (int i = 0; i < maxNodes; i++) {
      hzPorts.add(Ports.free());
    }
  }

  public static JsonObject config(String host, int maxRemoteTasks) {
    return new JsonObject()
        .put("scheduler", new JsonObject().put("userTokens", List.of(TOKEN)).put("servantTokens", List.of(TOKEN)))
        .put("cache", new JsonObject().put("userTokens", List.of(TOKEN)).put("servantTokens", List.of(TOKEN)).put("port", 0))
        .put("daemon", new JsonObject()
            .put("token", TOKEN)
            .put("host", host)
            .put("servingPort", 0)
            .put("maxRemoteTasks", maxRemoteTasks)
            .put("maxLocalTasks", 2)
            .put("reportLoad", false))
        // Several nodes share the machine: each its own metrics port (the ready line's metrics=).
        .put("node", new JsonObject().put("metricsPort", 0));
  }

  /** A cache node config storing on disk under dir (every test its own, so runs never share entries). */
  public static JsonObject cacheConfig(Path dir, long memoryBytes) {
    JsonObject c = config("cache", 0);
    c.getJsonObject("cache").put("engine", "disk").put("dir", dir.toString()).put("memoryBytes", memoryBytes);
    return c;
  }

  public NodeProcess start(String roles, JsonObject config) throws IOException {
    return startWithEnv(roles, config, Map.of());
  }

  /**
   * As {@link #start}, but the node reads its configuration from {@link #confFile} and watches it
   * ({@code -conf FILE -watch-conf}); the file holds the whole configuration, TLS block included.
   */
  public NodeProcess startWatchingConf(String roles, JsonObject config) throws IOException {
    watching = true;
    try {
      return startWithEnv(roles, config, Map.of());
    } finally {
      watching = false;
    }
  }

  /**
   * As {@link #start}, as a Hazelcast lite member ({@code -lite-member}): how daemon-only nodes are
   * meant to run, owning no partitions.
   */
  public NodeProcess startLiteMember(String roles, JsonObject config) throws IOException {
    lite = true;
    try {
      return startWithEnv(roles, config, Map.of());
    } finally {
      lite = false;
    }
  }

  /** The configuration file of node {@code index} started with {@link #startWatchingConf}. */
  public Path confFile(int index) {
    return logs.resolve("node-" + index + ".json");
  }

  /**
   * The admin socket ({@code vxcc-node redeploy -admin-socket}) of node {@code index}: every node
   * its own, since the default is one per user.
   */
  public Path adminSocket(int index) throws IOException {
    if (sockets == null) {
      sockets = java.nio.file.Files.createTempDirectory(Path.of("/tmp"), "vxcc-sock");
    }
    return sockets.resolve("admin-" + index + ".sock");
  }

  public NodeProcess startWithEnv(String roles, JsonObject config, Map<String, String> env) throws IOException {
    int index = nodes.size();
    if (index >= hzPorts.size()) {
      throw new IllegalStateException("cluster was sized for " + hzPorts.size() + " nodes");
    }
    config = withTls(config, index);
    String members = hzPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    config = withOwnSocket(config, index);
    String conf = config.encode();
    if (watching) {
      conf = confFile(index).toString();
      Files.writeString(confFile(index), config.encodePrettily());
    }
    List<String> args = new ArrayList<>(List.of("run", roles, "-conf", conf, "-cluster", "-cluster-host", "127.0.0.1",
        "-cluster-port", Integer.toString(hzPorts.get(index)), "-cluster-members", members, "-cluster-name", name,
        "-admin-socket", adminSocket(index).toString()));
    if (watching) {
      args.add("-watch-conf");
    }
    if (lite) {
      args.add("-lite-member");
    }
    NodeProcess n = NodeProcess.start(dist, logs.resolve("node-" + index + "-" + roles.replace(',', '+') + ".log"), args, env);
    nodes.add(n);
    return n;
  }

  /** The config plus a "tls" block naming this node's certificate files, unless the test set its own. */
  private JsonObject withTls(JsonObject config, int index) throws IOException {
    if (config.containsKey("tls")) {
      return config;
    }
    Path dir = logs.resolve("tls");
    Files.createDirectories(dir);
    Path caFile = dir.resolve("ca.pem");
    if (!Files.exists(caFile)) {
      Files.writeString(caFile, ca.certPem());
    }
    ClusterCa.NodeCert cert = ca.issue("node-" + index, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    Path certFile = Files.writeString(dir.resolve("node-" + index + ".pem"), cert.certPem());
    Path keyFile = Files.writeString(dir.resolve("node-" + index + "-key.pem"), cert.keyPem());
    return config.copy().put("tls", new JsonObject()
        .put("ca", caFile.toAbsolutePath().toString())
        .put("cert", certFile.toAbsolutePath().toString())
        .put("key", keyFile.toAbsolutePath().toString()));
  }

  /**
   * Every daemon its own local API socket, unless the test chose one: the default path is one per
   * machine. Under /tmp because the socket path must stay short (107 bytes).
   */
  private JsonObject withOwnSocket(JsonObject config, int index) throws IOException {
    JsonObject daemon = config.getJsonObject("daemon");
    if (daemon == null || daemon.containsKey("localSocket")) {
      return config;
    }
    if (sockets == null) {
      sockets = java.nio.file.Files.createTempDirectory(Path.of("/tmp"), "vxcc-sock");
    }
    JsonObject copy = config.copy();
    copy.getJsonObject("daemon").put("localSocket", sockets.resolve("node-" + index + ".sock").toString());
    return copy;
  }

  /** The Hazelcast cluster name, which an attacker on the network may know. */
  public String name() {
    return name;
  }

  /** Hazelcast addresses of all member slots, as each node was given them. */
  public List<String> members() {
    return hzPorts.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  /**
   * The Hazelcast port of slot {@code index}: one not used by {@link #start} lets a test process join
   * as an extra member.
   */
  public int hazelcastPort(int index) {
    return hzPorts.get(index);
  }

  /** A "tls" block (PEM text) with a fresh certificate from this cluster's CA, for an in-test member or client. */
  public JsonObject issueTls(String node) {
    ClusterCa.NodeCert cert = ca.issue(node, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    return new JsonObject().put("ca", ca.certPem()).put("cert", cert.certPem()).put("key", cert.keyPem());
  }

  public List<NodeProcess> nodes() {
    return nodes;
  }

  @Override
  public void close() throws InterruptedException {
    // Daemons first, scheduler last, so goodbyes reach it.
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    if (sockets != null) {
      try (var s = java.nio.file.Files.list(sockets)) {
        for (Path p : s.toList()) {
          java.nio.file.Files.deleteIfExists(p);
        }
        java.nio.file.Files.deleteIfExists(sockets);
      } catch (IOException e) {
        // a leftover directory in /tmp is harmless
      }
    }
  }
}
