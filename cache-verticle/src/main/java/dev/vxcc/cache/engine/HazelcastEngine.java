package dev.vxcc.cache.engine;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.cache.EntryCodec;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cache.engine = hazelcast}: entries in the cluster's distributed map
 * {@value CacheAddresses#HAZELCAST_MAP}, so several cache nodes serve one store. Values are kept
 * in the {@link EntryCodec} format so corruption in transit or at rest is still caught.
 * Hazelcast bounds the map itself (LRU, per-node heap budget), so {@link #purge()} has nothing to do.
 * Any Hazelcast member can write that map, so every entry is sealed ({@link EntrySeal}) and one
 * that does not verify is a miss.
 */
public final class HazelcastEngine implements CacheEngine {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastEngine.class);

  private final IMap<String, byte[]> map;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder corrupt = new LongAdder();
  private final EntrySeal seal;

  public HazelcastEngine(HazelcastInstance hz, long bytesPerNode, EntrySeal seal) {
    this.seal = seal;
    long mb = Math.max(1, bytesPerNode >> 20);
    try {
      // Dynamic configuration: the first cache node defines it; identical definitions from the
      // others are accepted, and a different one (e.g. from cluster.xml) wins with a warning.
      hz.getConfig().addMapConfig(new MapConfig(CacheAddresses.HAZELCAST_MAP)
          .setEvictionConfig(new EvictionConfig()
              .setEvictionPolicy(EvictionPolicy.LRU)
              .setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
              .setSize((int) Math.min(Integer.MAX_VALUE, mb))));
    } catch (RuntimeException e) {
      LOG.warn("keeping the existing configuration of map {}: {}", CacheAddresses.HAZELCAST_MAP, e.getMessage());
    }
    this.map = hz.getMap(CacheAddresses.HAZELCAST_MAP);
  }

  /**
   * The engine on the Hazelcast instance this clustered Vert.x joined. Blocking (the map proxy may
   * talk to the cluster): call from a worker.
   *
   * @throws IllegalStateException if Vert.x is not clustered, or not through Hazelcast
   */
  public static HazelcastEngine of(io.vertx.core.Vertx vertx, long bytesPerNode, EntrySeal seal) {
    if (!vertx.isClustered()) {
      throw new IllegalStateException("cache engine hazelcast needs -cluster: this node runs without a cluster");
    }
    var manager = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    if (!(manager instanceof io.vertx.spi.cluster.hazelcast.HazelcastClusterManager hcm)) {
      throw new IllegalStateException("cache engine hazelcast needs -cluster with the Hazelcast cluster manager, found "
          + (manager == null ? "none" : manager.getClass().getName()));
    }
    return new HazelcastEngine(hcm.getHazelcastInstance(), bytesPerNode, seal);
  }

  @Override
  public String name() {
    return "hazelcast";
  }

  @Override
  public Optional<byte[]> get(String key) {
    byte[] stored = map.get(key);
    if (stored == null) {
      misses.increment();
      return Optional.empty();
    }
    try {
      byte[] value = EntryCodec.decode(seal.open(key, stored)
          .orElseThrow(() -> new EntryCodec.CorruptEntryException("not sealed with this cluster's secret")));
      hits.increment();
      return Optional.of(value);
    } catch (EntryCodec.CorruptEntryException e) {
      LOG.warn("dropping corrupt cache entry {} from {}: {}", key, CacheAddresses.HAZELCAST_MAP, e.getMessage());
      corrupt.increment();
      misses.increment();
      // Only if it is still the bad value: a concurrent put of a good one must survive.
      map.remove(key, stored);
      return Optional.empty();
    }
  }

  @Override
  public void put(String key, byte[] value) {
    map.set(key, seal.seal(key, EntryCodec.encode(value)));
  }

  @Override
  public void remove(String key) {
    map.delete(key);
  }

  @Override
  public Collection<String> keys() {
    return List.copyOf(map.keySet());
  }

  @Override
  public EngineStats stats() {
    var local = map.getLocalMapStats();
    return new EngineStats(local.getOwnedEntryCount(), local.getOwnedEntryMemoryCost(), hits.sum(), misses.sum(), 0, corrupt.sum());
  }

  @Override
  public int purge() {
    return 0;
  }
}
