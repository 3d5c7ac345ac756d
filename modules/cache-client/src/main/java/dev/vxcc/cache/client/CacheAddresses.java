package dev.vxcc.cache.client;

/**
 * The cache role's names that its clients use too: event-bus addresses, shared-map keys and the
 * metadata key of the token. They live with the client so that a daemon needs no part of the server.
 */
public final class CacheAddresses {
  private CacheAddresses() {}

  /** Empty request in, {@code {"location": "host:port"}} out: where the cache's gRPC endpoint listens. */
  public static final String LOCATE = "vxcc.cache.locate";
  /** Empty request in, the counters of {@code CacheStats.toJson()} out. */
  public static final String STATS = "vxcc.cache.stats";
  /** Key in the node's shared local map ({@code NodeKeys.MAP}) under which the gRPC location is published. */
  public static final String NODE_KEY = "cache";
  /** Distributed map of the {@code hazelcast} engine; every cache node of the cluster shares it. */
  public static final String HAZELCAST_MAP = "vxcc.cache.entries";
  /** gRPC metadata key a client repeats its token in, so the server can refuse a Put before reading it. */
  public static final String TOKEN_HEADER = "vxcc-token";
}
