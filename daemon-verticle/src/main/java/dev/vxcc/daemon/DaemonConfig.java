package dev.vxcc.daemon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code "daemon"} section of the node configuration. Defaults suit one developer machine;
 * see conf/vxcc.json for every key.
 *
 * @param host names this machine to the scheduler, which avoids sending a task back to its submitter
 * @param maxLocalTasks concurrent local compiles; 0 = half the CPUs (the other half preprocesses)
 * @param lightweightRatio extra slots for preprocessing, as a share of maxLocalTasks
 * @param maxRemoteTasks tasks this servant accepts from others; -1 = automatic, 0 = never serve
 * @param minRemoteSourceBytes preprocessed sources smaller than this compile locally (cheaper than shipping)
 * @param reportLoad false when several daemons share one machine's CPUs (loopback clusters):
 *     then each servant's load is only its own tasks
 * @param maxGrantWaitMs how long a task waits for a free servant before it compiles here instead
 * @param exactDiagnostics re-run locally when a remote compile printed anything, so that users see
 *     exactly the local diagnostics (the servant cannot show source snippets it has no file for)
 * @param baseDir checkout root whose path task keys ignore where the object cannot show it (like
 *     ccache's base_dir), so checkouts in different directories share results; "" = off
 * @param servant confinement of remote compiles and bounds on the bytes of a task (servant* keys)
 * @param sourceTree daemon.sourceTree: compiles whose debug info the preprocessed recipes cannot
 *                   reproduce go remote as source trees (user's files at their paths on the servant);
 *                   on by default: only servants that can build the namespace advertise it
 * @param sourceTreeFirst daemon.sourceTreeFirst: every distributable compile goes as a source tree
 *                   while every servant with the compiler runs them and no base dir asks for
 *                   checkout-independent keys, so a compile that prints is compiled once, snippets
 *                   and all; on by default (measured within the text path's noise, bench/treefirst.sh)
 * @param dependInPlace daemon.dependInPlace: where this node's own servant is the only one for a
 *                      compiler, compile the user's command once on the user's files, without a
 *                      preprocessor pass, and key the result by the files it read (see HostCompile);
 *                      off by default until it is measured faster (bench/onemachine.sh)
 */
public record DaemonConfig(
    String token,
    String host,
    String servingHost,
    int servingPort,
    int maxLocalTasks,
    double lightweightRatio,
    int maxRemoteTasks,
    boolean dedicated,
    Path tempDir,
    List<String> extraCompilerDirs,
    long taskTimeoutMs,
    int retries,
    long heartbeatMs,
    long compilerRescanMs,
    long minMemoryForNewTaskBytes,
    long minRemoteSourceBytes,
    boolean exactDiagnostics,
    boolean reportLoad,
    long maxGrantWaitMs,
    String baseDir,
    dev.vxcc.daemon.servant.ServantLimits servant,
    boolean sourceTree,
    boolean sourceTreeFirst,
    boolean dependInPlace) {

  public static final String SECTION = "daemon";
  /** 2: servants compile gcc -g sources as files (QueueTaskRequest.input_mode). */
  public static final int PROTOCOL_VERSION = 2;

  public static DaemonConfig fromNodeConfig(JsonObject nodeConfig) {
    return fromJson(nodeConfig.getJsonObject(SECTION, new JsonObject()));
  }

  public static DaemonConfig fromJson(JsonObject j) {
    int cpus = Runtime.getRuntime().availableProcessors();
    String token = j.getString("token", "");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("daemon.token must be set (the scheduler refuses requests without a valid token)");
    }
    int servingPort = j.getInteger("servingPort", 8335);
    if (servingPort < 0 || servingPort > 65535) {
      throw new IllegalArgumentException("daemon.servingPort must be 0..65535, got " + servingPort);
    }
    if (j.containsKey("localPort") || j.containsKey("localHost")) {
      // The wrapper API left TCP for a Unix socket; silently ignoring the old keys would hide why
      // wrappers that still point at host:port fall back to local compiles.
      throw new IllegalArgumentException("daemon.localHost/localPort are gone: the wrapper API listens on the Unix socket daemon.localSocket");
    }
    int maxLocal = j.getInteger("maxLocalTasks", 0);
    String tmp = j.getString("tempDir", "");
    JsonArray extra = j.getJsonArray("extraCompilerDirs", new JsonArray());
    return new DaemonConfig(
        token,
        j.getString("host", defaultHost()),
        j.getString("servingHost", "127.0.0.1"),
        servingPort,
        maxLocal > 0 ? maxLocal : Math.max(1, cpus / 2),
        j.getDouble("lightweightRatio", 0.5),
        j.getInteger("maxRemoteTasks", -1),
        j.getBoolean("dedicated", false),
        tmp.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(tmp),
        extra.stream().map(Object::toString).toList(),
        j.getLong("taskTimeoutMs", 300_000L),
        j.getInteger("retries", 2),
        j.getLong("heartbeatMs", 1000L),
        j.getLong("compilerRescanMs", 60_000L),
        j.getLong("minMemoryForNewTaskBytes", 512L << 20),
        j.getLong("minRemoteSourceBytes", 0L),
        j.getBoolean("exactDiagnostics", true),
        j.getBoolean("reportLoad", true),
        j.getLong("maxGrantWaitMs", 20_000L),
        baseDir(j.getString("baseDir", "")),
        dev.vxcc.daemon.servant.ServantLimits.fromJson(j, j.getLong("taskTimeoutMs", 300_000L)),
        j.getBoolean("sourceTree", true),
        j.getBoolean("sourceTreeFirst", true),
        j.getBoolean("dependInPlace", false));
  }

  private static String baseDir(String dir) {
    if (!dir.isEmpty() && dev.vxcc.daemon.identity.KeyRoots.usableRoot(dir) == null) {
      throw new IllegalArgumentException("daemon.baseDir must be an absolute, normalised directory other than /, not " + dir);
    }
    return dir.isEmpty() ? "" : dev.vxcc.daemon.identity.KeyRoots.usableRoot(dir);
  }

  private static String defaultHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Servant capacity: explicit, or most of the machine when dedicated, a share of it otherwise. */
  public int effectiveMaxRemoteTasks() {
    int cpus = Runtime.getRuntime().availableProcessors();
    if (maxRemoteTasks >= 0) {
      return maxRemoteTasks;
    }
    return dedicated ? Math.max(1, cpus * 95 / 100) : Math.max(1, cpus * 40 / 100);
  }
}
