package dev.vxcc.cache.client;

import dev.vxcc.api.v1.FetchBloomFilterResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Keeps a {@link BloomView} up to date from the cache: each {@link #fetchOnce()} tells the cache
 * how old the view's copy is, and applies the full filter or the incremental keys it answers.
 * The daemon calls it at start and then every couple of seconds (a one-shot timer re-armed when
 * the previous fetch completes).
 */
public final class BloomFetcher {
  /** Sent for "never": the cache then always answers with the full filter. */
  public static final long NEVER = Integer.MAX_VALUE;
  /** The period yadcc's daemons fetch at (§3.1). */
  public static final long DEFAULT_PERIOD_MS = 2_000;

  /** What to tell the cache; both in whole seconds, rounded up so no added key falls in between. */
  public record Request(long secondsSinceLastFullFetch, long secondsSinceLastFetch) {}

  private final Vertx vertx;
  private final CacheClient client;
  private final BloomView view;
  private final InstantSource clock;

  public BloomFetcher(Vertx vertx, CacheClient client, BloomView view, InstantSource clock) {
    this.vertx = vertx;
    this.client = client;
    this.view = view;
    this.clock = clock;
  }

  public static Request nextRequest(BloomView view, Instant now) {
    long sinceFull = view.lastFullFetch().map(t -> secondsUp(t, now)).orElse(NEVER);
    long sinceLast = view.lastFetch().map(t -> secondsUp(t, now)).orElse(NEVER);
    return new Request(sinceFull, Math.min(sinceLast, sinceFull));
  }

  private static long secondsUp(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    if (d.isNegative()) {
      return 0;
    }
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.min(s, NEVER);
  }

  /**
   * One fetch. Succeeds with true for a full filter, false for an incremental update; fails if
   * the cache could not be reached or sent a bad filter, leaving the view as it was (it goes
   * stale after {@link BloomView#STALE_AFTER} without a success).
   */
  public Future<Boolean> fetchOnce() {
    Instant requestedAt = clock.instant();
    Request req = nextRequest(view, requestedAt);
    return client.fetchBloomFilter(req.secondsSinceLastFullFetch(), req.secondsSinceLastFetch())
        .compose(r -> apply(r, requestedAt));
  }

  private Future<Boolean> apply(FetchBloomFilterResponse r, Instant requestedAt) {
    if (r.getIncremental()) {
      view.applyIncremental(r.getNewlyPopulatedKeysList(), requestedAt);
      return Future.succeededFuture(false);
    }
    // Decompressing and decoding a megabyte-sized filter is CPU work: keep it off the event loop.
    return vertx.executeBlocking(() -> {
      view.applyFull(r.getFilterZstd().toByteArray(), requestedAt);
      return true;
    }, false);
  }
}
