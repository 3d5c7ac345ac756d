package dev.vxcc.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.vxcc.common.util.ListenFailure;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a clustered Vert.x from the Hazelcast XML plus command-line overrides. Public so that
 * end-to-end tests can join a cluster exactly as a node (or an attacker knowing its name) would.
 */
public final class Clustering {
  private Clustering() {}

  public static Future<Vertx> start(VertxOptions options, Path xml, String host, Integer port, List<String> members, String name,
      NodeTls tls) {
    return start(options, xml, host, port, members, name, tls, false);
  }

  /** @param liteMember join owning no partitions (see NodeMain's -lite-member) */
  public static Future<Vertx> start(VertxOptions options, Path xml, String host, Integer port, List<String> members, String name,
      NodeTls tls, boolean liteMember) {
    Config cfg;
    try (InputStream in = Files.newInputStream(xml)) {
      cfg = new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      return Future.failedFuture(new IllegalArgumentException("cannot read cluster config " + xml + ": " + e.getMessage()));
    }
    if (name != null) {
      cfg.setClusterName(name);
    }
    if (liteMember) {
      cfg.setLiteMember(true);
    }
    NetworkConfig net = cfg.getNetworkConfig();
    net.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    if (port != null) {
      net.setPort(port).setPortAutoIncrement(false);
    }
    JoinConfig join = net.getJoin();
    // Hazelcast cannot authenticate members (open-source edition): at least never listen beyond
    // the cluster interface, and never discover members by multicast.
    cfg.setProperty("hazelcast.socket.bind.any", "false");
    join.getMulticastConfig().setEnabled(false);
    if (members != null && !members.isEmpty()) {
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
    }
    // Our own shutdown hook closes Vert.x first, so servants can still say goodbye on the bus.
    cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
    options.getEventBusOptions().setHost(host).setClusterPublicHost(host).setPort(0);
    // Hazelcast's member protocol cannot be authenticated in the open-source edition; the event bus
    // can: a member without a certificate from the cluster CA can neither connect nor be connected to.
    tls.applyTo(options.getEventBusOptions());
    String address = host + ":" + (port != null ? port : net.getPort() + "-" + (net.getPort() + net.getPortCount() - 1));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(cfg)).buildClustered()
        .recover(e -> Future.failedFuture(ListenFailure.inUse(e)
            ? ListenFailure.of("Hazelcast cluster member", address, "-cluster-port (or <port> in " + xml + ")", e)
            : e));
  }
}
