package dev.vxcc.node;

import dev.vxcc.common.net.NodeTls;
import dev.vxcc.node.observe.NodeObservability;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vxcc-node run ROLES [-conf ...] [-cluster ...] [-ha]}: one JVM running some roles as verticles. */
@Command(name = "vxcc-node", mixinStandardHelpOptions = true, versionProvider = Version.class,
    subcommands = {NodeMain.Run.class, Redeploy.class, Certs.class}, description = "Runs vxcc roles (scheduler, cache, daemon) as Vert.x verticles.")
public final class NodeMain {
  /**
   * How long joining the cluster may take before the node gives up (buildClustered() can hang
   * forever on some misconfigurations, stack-notes §9.4). Generous: 30 JVMs started at once on
   * 2 cores (bench/cluster-size.sh) needed more than 60 s each.
   */
  static final long JOIN_TIMEOUT_S = 120;

  public static void main(String[] args) {
    System.exit(new CommandLine(new NodeMain()).execute(args));
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Start the given roles in this JVM and run until stopped.")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ROLES", description = "Comma list of scheduler, cache, daemon, or all.")
    String roles;

    @Option(names = "-conf", paramLabel = "FILE_OR_JSON", description = "Configuration file, or inline JSON. Default: conf/vxcc.json of the installation.")
    String conf;

    @Option(names = "-cluster", description = "Join a Hazelcast cluster instead of running alone with a local event bus.")
    boolean cluster;

    @Option(names = "-cluster-config", paramLabel = "FILE", description = "Hazelcast XML. Default: conf/cluster.xml of the installation.")
    Path clusterConfig;

    @Option(names = "-cluster-host", paramLabel = "HOST", description = "Address for cluster traffic (default 127.0.0.1).")
    String clusterHost = "127.0.0.1";

    @Option(names = "-cluster-port", paramLabel = "PORT", description = "Hazelcast member port (overrides the XML).")
    Integer clusterPort;

    @Option(names = "-cluster-members", paramLabel = "HOST:PORT,...", split = ",", description = "TCP-IP join members (override the XML).")
    List<String> clusterMembers;

    @Option(names = "-cluster-name", paramLabel = "NAME", description = "Cluster name (overrides the XML); nodes join only their own cluster.")
    String clusterName;

    @Option(names = "-lite-member", description = "Join as a Hazelcast lite member: no share of the cluster's maps to own,"
        + " migrate or back up, so many build machines stay cheap. Only for daemons; needs a data member"
        + " (a scheduler or cache node) to be up.")
    boolean liteMember;

    @Option(names = "-ha", description = "Redeploy this node's verticles on a survivor if the node dies.")
    boolean ha;

    @Option(names = "-ha-group", paramLabel = "GROUP", description = "HA group (default __DEFAULT__).")
    String haGroup = "__DEFAULT__";

    @Option(names = "-watch-conf", description = "Re-read the -conf file when it changes and redeploy the roles whose section changed.")
    boolean watchConf;

    @Option(names = "-admin-socket", paramLabel = "PATH", description = "Unix socket for `vxcc-node redeploy` (mode 0600). Default: /run/vxcc/admin.sock as root, else under java.io.tmpdir.")
    Path adminSocket;

    /** What the user configured (-conf, then redeploys), before the defaults are merged under it. */
    private JsonObject userConfig = new JsonObject();

    /** A node that runs alone draws its tokens once: a redeployed role must keep sharing them with the others. */
    private final String processToken = NodeConfig.randomToken();

    @Override
    public Integer call() throws Exception {
      if (watchConf && (conf == null || conf.trim().startsWith("{"))) {
        System.err.println("vxcc-node: -watch-conf needs -conf FILE");
        return 2;
      }
      List<String> verticles;
      JsonObject config;
      NodeTls tls;
      NodeObservability observability;
      try {
        verticles = Roles.verticles(roles);
        if (liteMember && (verticles.contains(Roles.SCHEDULER) || verticles.contains(Roles.CACHE))) {
          throw new IllegalArgumentException("-lite-member is for daemon-only nodes: the scheduler and cache nodes hold the cluster's data");
        }
        config = loadConfig();
        tls = nodeTls(config);
        observability = new NodeObservability(config, NodeConfig.user(conf));
      } catch (IllegalArgumentException e) {
        System.err.println("vxcc-node: " + e.getMessage());
        return 2;
      }
      // Native transport: the local API is a Unix domain socket (LocalApiVerticle needs its peer credentials).
      VertxOptions options = observability.applyTo(new VertxOptions().setHAEnabled(ha).setHAGroup(haGroup).setPreferNativeTransport(true));
      Future<Vertx> vertxFuture = cluster
          ? Clustering.start(options, clusterConfig != null ? clusterConfig : Installation.file("conf/cluster.xml"),
              clusterHost, clusterPort, clusterMembers, clusterName, tls, liteMember)
          : Future.succeededFuture(Vertx.vertx(options));
      Vertx vertx;
      try {
        vertx = vertxFuture.await(JOIN_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        System.err.println("vxcc-node: could not start" + (cluster ? " the cluster member" : "") + ": not joined within "
            + JOIN_TIMEOUT_S + " s (are the members in the TCP-IP list reachable? is the machine overloaded?)");
        return 1;
      } catch (Exception e) {
        System.err.println("vxcc-node: could not start" + (cluster ? " the cluster member" : "") + ": " + e);
        return 1;
      }
      tls.share(vertx);
      observability.share(vertx);
      // Vert.x copies every HA deployment's config into a Hazelcast map any member can read: the
      // roles are deployed without secrets and read them from this node (NodeSecrets, RoleDeployments).
      RoleDeployments live = new RoleDeployments(vertx, ha, RoleDeployments.DRAIN_BOUND_MS);
      AdminEndpoint admin;
      try {
        live.deploy(Roles.names(roles), config).await(120, TimeUnit.SECONDS);
        admin = new AdminEndpoint(vertx, adminSocket != null ? adminSocket : AdminEndpoint.defaultPath(), live,
            overlay -> replaceUserConfig(NodeConfig.merge(userConfig, overlay), live.roles()));
        try {
          admin.start().await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          // The roles serve without it; only `vxcc-node redeploy` cannot reach this node.
          System.err.println("vxcc-node: WARNING: no admin endpoint, `vxcc-node redeploy` cannot reach this node: " + e.getMessage());
        }
        if (watchConf) {
          new ConfWatcher(vertx, Path.of(conf), ConfWatcher.read(Path.of(conf)), live, file -> replaceUserConfig(file, live.roles())).start();
        }
        observability.deploy(vertx, config, Roles.names(roles)).await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("vxcc-node: could not start " + roles + ": " + e.getMessage());
        vertx.close().await(20, TimeUnit.SECONDS);
        return 1;
      }
      CountDownLatch closed = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        // Undeploying lets servants say goodbye and delegates free their grants.
        System.err.println("vxcc-node: stopping " + roles + " (signal received): undeploying");
        try {
          vertx.close().await(20, TimeUnit.SECONDS);
          System.err.println("vxcc-node: stopped");
        } catch (Exception e) {
          System.err.println("vxcc-node: stopped without a clean undeploy: " + e.getMessage());
        }
        closed.countDown();
      }, "vxcc-node-shutdown"));
      System.out.println("vxcc-node ready: roles=" + roles + " " + NodeInfo.describe(vertx));
      System.out.flush();
      closed.await();
      return 0;
    }

    /**
     * Configured TLS (files checked now), explicit plaintext (warned about), or for a node that is
     * not clustered an ephemeral CA: all its connections stay inside this JVM, so nobody else needs it.
     */
    private NodeTls nodeTls(JsonObject config) {
      JsonObject block = NodeTls.blockOf(config);
      if (block == null) {
        if (cluster) {
          throw new IllegalArgumentException(NodeTls.missingForCluster());
        }
        return NodeTls.ephemeral(List.of(clusterHost));
      }
      NodeTls tls = NodeTls.fromConfig(block);
      tls.check();
      tls.warnIfInsecure(cluster ? "event bus and gRPC" : "gRPC");
      return tls;
    }

    private JsonObject loadConfig() {
      userConfig = NodeConfig.user(conf);
      return effectiveConfig(userConfig);
    }

    /**
     * A redeploy's configuration: the user's new one (a -conf file read again, or the running one
     * with a redeploy's -conf merged over it), validated by the roles' parsers before it is kept.
     */
    private synchronized JsonObject replaceUserConfig(JsonObject user, List<String> roles) {
      JsonObject effective = effectiveConfig(user);
      ConfigCheck.validate(effective, roles);
      userConfig = user;
      return effective;
    }

    /** What a node runs for the user's configuration: at start, and for a redeploy or a changed -conf file. */
    private JsonObject effectiveConfig(JsonObject user) {
      JsonObject merged = NodeConfig.merge(NodeConfig.defaults(Installation.file("conf/vxcc.json")), user);
      return cluster ? NodeConfig.servingOnClusterHost(merged, user, clusterHost) : NodeConfig.withProcessTokens(merged, () -> processToken);
    }
  }
}
