package dev.vxcc.daemon;

import dev.vxcc.cache.client.BloomFetcher;
import dev.vxcc.cache.client.BloomView;
import dev.vxcc.cache.client.CacheClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's link to the shared cache: finds the cache node over the event bus (it may start
 * later, move, or go away), keeps a Bloom filter of its keys so that a miss usually costs no
 * round trip, and gets and puts entries. Every failure is a miss: the cache only ever speeds
 * builds up. Confined to its verticle's event loop.
 */
public final class ResultCache {
  private static final Logger LOG = LoggerFactory.getLogger(ResultCache.class);
  /**
   * How often a client that has a cache asks where the cache is now: a cache node restarted on another
   * port or host answers the locate from there, and every client follows within this period even if
   * its own calls to the old address hang rather than fail.
   */
  static final long LOCATE_EVERY_MS = 5_000;

  private final Vertx vertx;
  private final String token;
  private final boolean readsEntries;
  private final InstantSource clock;
  private final BloomView bloom;
  private CacheClient client;
  private BloomFetcher fetcher;
  private boolean locating;
  private long lastLocateAttempt;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong skippedByBloom = new AtomicLong();
  private final AtomicLong puts = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile long bloomFetchedAt;
  /** Why the cache last failed us (for {@code vxcc doctor}); empty once it answers again. */
  private volatile String lastError = "";

  /** @param readsEntries delegates read and keep a Bloom filter; servants only write */
  public ResultCache(Vertx vertx, String token, boolean readsEntries) {
    this(vertx, token, readsEntries, InstantSource.system());
  }

  public ResultCache(Vertx vertx, String token, boolean readsEntries, InstantSource clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.bloom = new BloomView(clock);
    this.token = token;
    this.readsEntries = readsEntries;
  }

  /**
   * Timer: locate the cache node while we have none (each tick: asking where it is costs one event-bus
   * message, answered at once while nobody serves the address), check now and then that it has not
   * moved, and refresh the Bloom filter.
   */
  public void tick() {
    if (client == null) {
      locate();
      return;
    }
    if (clock.millis() - lastLocateAttempt >= LOCATE_EVERY_MS) {
      locate();
    }
    if (readsEntries) {
      // When the fetch was asked for, not when it arrived: the filter holds every key put before then.
      long requested = clock.millis();
      fetcher.fetchOnce()
          .onSuccess(full -> {
            bloomFetchedAt = requested;
            lastError = "";
          })
          .onFailure(e -> lost("bloom filter fetch failed: " + e.getMessage()));
    }
  }

  private void locate() {
    if (locating) {
      return;
    }
    locating = true;
    lastLocateAttempt = clock.millis();
    CacheClient.locate(vertx)
        .onSuccess(location -> {
          if (client != null && client.location().equals(location)) {
            return;
          }
          if (client != null) {
            LOG.info("the shared cache moved from {} to {}", client.location(), location);
            client.close();
          }
          client = CacheClient.create(vertx, location, token);
          fetcher = new BloomFetcher(vertx, client, bloom, clock);
          LOG.info("using the shared cache at {}", location);
          tick();
        })
        .onFailure(e -> lastError = String.valueOf(e.getMessage()))
        .onComplete(ar -> locating = false);
  }

  /** The node went away: look for it again (it may come back elsewhere). */
  private void lost(String why) {
    lastError = why;
    if (client != null) {
      LOG.info("lost the shared cache at {}: {}", client.location(), why);
      client.close();
      client = null;
      fetcher = null;
    }
  }

  public Future<Optional<byte[]>> get(String key) {
    if (client == null || !readsEntries) {
      return Future.succeededFuture(Optional.empty());
    }
    if (!bloom.worthAsking(key)) {
      skippedByBloom.incrementAndGet();
      return Future.succeededFuture(Optional.empty());
    }
    return client.lookup(key)
        .onSuccess(v -> (v.isPresent() ? hits : misses).incrementAndGet())
        .recover(e -> {
          failures.incrementAndGet();
          lost("lookup failed: " + e.getMessage());
          return Future.succeededFuture(Optional.empty());
        });
  }

  /** Completes when the cache answered (stored or refused), or at once without a cache; never fails. */
  public Future<Void> put(String key, byte[] value) {
    CacheClient c = client;
    if (c == null) {
      return Future.succeededFuture();
    }
    return c.put(key, value)
        .onSuccess(v -> puts.incrementAndGet())
        .onFailure(e -> {
          failures.incrementAndGet();
          LOG.debug("cache put failed: {}", e.getMessage());
          // No gRPC status: the node did not answer at all (gone, or moved), so look for it again.
          // A refusal (a status) comes from a live cache and is no reason to drop it.
          if (CacheClient.statusOf(e).isEmpty() && client == c) {
            lost("put failed: " + e.getMessage());
          }
        })
        .otherwiseEmpty();
  }

  public JsonObject stats() {
    return new JsonObject()
        .put("location", client == null ? null : client.location())
        .put("hits", hits.get())
        .put("misses", misses.get())
        .put("skippedByBloom", skippedByBloom.get())
        .put("puts", puts.get())
        .put("failures", failures.get())
        .put("bloomFresh", bloom.fresh())
        .put("bloomFetchedAt", bloomFetchedAt)
        .put("lastError", lastError);
  }

  /** Closes the connection to the cache node, if any. */
  public Future<Void> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
