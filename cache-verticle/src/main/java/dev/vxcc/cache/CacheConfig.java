package dev.vxcc.cache;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code "cache"} section of {@code conf/vxcc.json}.
 *
 * @param userTokens tokens that may read entries, fetch the Bloom filter and read stats
 * @param servantTokens tokens that may also write entries
 * @param engine the L2 store
 * @param memoryBytes L1 budget
 * @param diskBytes bound of the {@code disk} engine
 * @param dir directory of the {@code disk} engine
 * @param hazelcastBytesPerNode heap each member may spend on the {@code hazelcast} engine's map
 * @param purgeIntervalMs period of the L2 purge
 * @param bloomRebuildMs period of the Bloom filter rebuild
 * @param bloomExpectedKeys keys the Bloom filter is sized for
 * @param bloomFalsePositiveRate its false-positive rate at that many keys
 * @param bloomFullRefreshMs a daemon whose full filter is this old gets a new one (plus up to 40 % jitter)
 * @param maxEntryBytes largest value accepted by a put (also the gRPC message bound)
 * @param workerPoolSize threads doing disk/Hazelcast I/O and Bloom builds
 * @param host gRPC listen address; it is also the location daemons are told, so not 0.0.0.0 across hosts
 * @param port gRPC port, 0 for any free one
 * @param httpHost listen address of the ccache / Bazel HTTP endpoint; defaults to {@code host}
 * @param httpPort its port: {@link #HTTP_OFF} (the default) serves no HTTP, 0 any free port
 * @param httpPlain serve that endpoint without TLS even when the node has {@code tls}: ccache's
 *     http storage speaks plain HTTP only, so this is how a TLS cluster opens itself to ccache;
 *     bind {@code httpHost} to loopback or a trusted network then
 */
public record CacheConfig(
    Set<String> userTokens,
    Set<String> servantTokens,
    Engine engine,
    long memoryBytes,
    long diskBytes,
    Path dir,
    long hazelcastBytesPerNode,
    long purgeIntervalMs,
    long bloomRebuildMs,
    long bloomExpectedKeys,
    double bloomFalsePositiveRate,
    long bloomFullRefreshMs,
    long maxEntryBytes,
    int workerPoolSize,
    String host,
    int port,
    String httpHost,
    int httpPort,
    boolean httpPlain) {

  public enum Engine {
    DISK, NULL, HAZELCAST;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Engine parse(String s) {
      for (Engine e : values()) {
        if (e.configName().equals(s)) {
          return e;
        }
      }
      throw new IllegalArgumentException("cache.engine must be one of disk, null, hazelcast; got '" + s + "'");
    }
  }

  public static final long DEFAULT_MEMORY_BYTES = 256L << 20;
  public static final long DEFAULT_DISK_BYTES = 10L << 30;
  public static final long DEFAULT_HAZELCAST_BYTES_PER_NODE = 1L << 30;
  public static final long DEFAULT_PURGE_INTERVAL_MS = 60_000;
  public static final long DEFAULT_BLOOM_REBUILD_MS = 60_000;
  public static final long DEFAULT_BLOOM_EXPECTED_KEYS = 1L << 20;
  public static final double DEFAULT_BLOOM_FALSE_POSITIVE_RATE = 0.01;
  public static final long DEFAULT_BLOOM_FULL_REFRESH_MS = 600_000;
  public static final long DEFAULT_MAX_ENTRY_BYTES = 64L << 20;
  public static final int DEFAULT_WORKER_POOL_SIZE = 4;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8337;
  /** {@code cache.httpPort} value that leaves the HTTP endpoint off. */
  public static final int HTTP_OFF = -1;

  public CacheConfig {
    userTokens = Set.copyOf(userTokens);
    servantTokens = Set.copyOf(servantTokens);
    require(memoryBytes >= 0, "cache.memoryBytes must be >= 0, got " + memoryBytes);
    require(diskBytes > 0, "cache.diskBytes must be > 0, got " + diskBytes);
    require(hazelcastBytesPerNode >= 1 << 20, "cache.hazelcastBytesPerNode must be >= 1 MiB, got " + hazelcastBytesPerNode);
    require(purgeIntervalMs > 0, "cache.purgeIntervalMs must be > 0, got " + purgeIntervalMs);
    require(bloomRebuildMs > 0, "cache.bloomRebuildMs must be > 0, got " + bloomRebuildMs);
    require(bloomExpectedKeys > 0, "cache.bloomExpectedKeys must be > 0, got " + bloomExpectedKeys);
    require(bloomFalsePositiveRate > 0 && bloomFalsePositiveRate < 1,
        "cache.bloomFalsePositiveRate must be in (0, 1), got " + bloomFalsePositiveRate);
    require(bloomFullRefreshMs >= 1000, "cache.bloomFullRefreshMs must be >= 1000, got " + bloomFullRefreshMs);
    require(maxEntryBytes > 0 && maxEntryBytes <= 1L << 30, "cache.maxEntryBytes must be in (0, 1 GiB], got " + maxEntryBytes);
    require(workerPoolSize > 0, "cache.workerPoolSize must be > 0, got " + workerPoolSize);
    require(port >= 0 && port <= 65535, "cache.port must be in 0..65535, got " + port);
    require(host != null && !host.isBlank(), "cache.host must not be empty");
    require(httpPort >= HTTP_OFF && httpPort <= 65535, "cache.httpPort must be -1 (off) or in 0..65535, got " + httpPort);
    require(httpHost != null && !httpHost.isBlank(), "cache.httpHost must not be empty");
  }

  public boolean httpEnabled() {
    return httpPort != HTTP_OFF;
  }

  /** Parses the section; anything missing takes its default, anything malformed is rejected. */
  /** The node configuration's section this record reads. */
  public static final String SECTION = "cache";

  public static CacheConfig fromJson(JsonObject section) {
    JsonObject s = section == null ? new JsonObject() : section;
    try {
      String dir = s.getString("dir", "");
      String host = s.getString("host", DEFAULT_HOST);
      return new CacheConfig(
          tokens(s, "userTokens"),
          tokens(s, "servantTokens"),
          Engine.parse(s.getString("engine", "disk")),
          s.getLong("memoryBytes", DEFAULT_MEMORY_BYTES),
          s.getLong("diskBytes", DEFAULT_DISK_BYTES),
          dir.isEmpty() ? DefaultStoreDir.forThisProcess() : Path.of(dir),
          s.getLong("hazelcastBytesPerNode", DEFAULT_HAZELCAST_BYTES_PER_NODE),
          s.getLong("purgeIntervalMs", DEFAULT_PURGE_INTERVAL_MS),
          s.getLong("bloomRebuildMs", DEFAULT_BLOOM_REBUILD_MS),
          s.getLong("bloomExpectedKeys", DEFAULT_BLOOM_EXPECTED_KEYS),
          s.getDouble("bloomFalsePositiveRate", DEFAULT_BLOOM_FALSE_POSITIVE_RATE),
          s.getLong("bloomFullRefreshMs", DEFAULT_BLOOM_FULL_REFRESH_MS),
          s.getLong("maxEntryBytes", DEFAULT_MAX_ENTRY_BYTES),
          s.getInteger("workerPoolSize", DEFAULT_WORKER_POOL_SIZE),
          host,
          s.getInteger("port", DEFAULT_PORT),
          s.getString("httpHost", host),
          s.getInteger("httpPort", HTTP_OFF),
          s.getBoolean("httpPlain", false));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("cache config has a value of the wrong type: " + e.getMessage(), e);
    }
  }

  private static Set<String> tokens(JsonObject s, String key) {
    JsonArray a = s.getJsonArray(key);
    Set<String> out = new LinkedHashSet<>();
    if (a != null) {
      for (Object o : a) {
        require(o instanceof String, "cache." + key + " must contain only strings, found " + o);
        // Requests carry "" when no token is set, so an empty acceptable token would switch auth off.
        require(!((String) o).isBlank(), "cache." + key + " must not contain an empty token");
        out.add((String) o);
      }
    }
    return out;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
