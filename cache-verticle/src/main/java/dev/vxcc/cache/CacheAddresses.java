package dev.vxcc.cache;

/** Event-bus addresses and shared-map keys of the cache role (kept here until they move to common). */
public final class CacheAddresses {
  private CacheAddresses() {}

  /** Empty request in, {@code {"location": "host:port"}} out: where the cache's gRPC endpoint listens. */
  public static final String LOCATE = "vxcc.cache.locate";
  /** Empty request in, the counters of {@link CacheStats#toJson()} out. */
  public static final String STATS = "vxcc.cache.stats";
  /** Key in the node's shared local map ({@code NodeKeys.MAP}) under which the gRPC location is published. */
  public static final String NODE_KEY = "cache";
  /** Distributed map of the {@code hazelcast} engine; every cache node of the cluster shares it. */
  public static final String HAZELCAST_MAP = "vxcc.cache.entries";
}
