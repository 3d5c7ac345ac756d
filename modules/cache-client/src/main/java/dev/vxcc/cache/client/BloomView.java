package dev.vxcc.cache.client;

import com.google.common.hash.BloomFilter;
import dev.vxcc.api.v1.FetchBloomFilterResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Optional;

/**
 * A daemon's copy of the cache's Bloom filter. "Absent" answers are only trusted while the copy
 * is {@link #fresh()}: after a successful full fetch and with a successful fetch in the last ten
 * minutes. Unlike yadcc (§10.2/9) a failed first fetch leaves the view not fresh, so the daemon
 * keeps asking the cache instead of skipping it with an empty filter. Thread-safe.
 */
public final class BloomView {
  public static final Duration STALE_AFTER = Duration.ofMinutes(10);

  private final InstantSource clock;
  private volatile BloomFilter<CharSequence> filter; // null until the first full fetch succeeded
  private volatile Instant lastFetch;
  private volatile Instant lastFullFetch;

  public BloomView(InstantSource clock) {
    this.clock = clock;
  }

  /** True unless the filter proves the key absent; true as well before any filter arrived. */
  public boolean mightContain(String key) {
    BloomFilter<CharSequence> f = filter;
    return f == null || f.mightContain(key);
  }

  public boolean fresh() {
    Instant full = lastFullFetch;
    Instant last = lastFetch;
    return full != null && last != null && clock.instant().isBefore(last.plus(STALE_AFTER));
  }

  /** Whether to ask the cache for {@code key}: always when not fresh, else when the filter may hold it. */
  public boolean worthAsking(String key) {
    return !fresh() || mightContain(key);
  }

  /**
   * Replaces the filter. Timestamps move only once the filter decoded, so a bad answer does not
   * make the view look fresh.
   *
   * @param requestedAt when the fetch was sent (keys added after that arrive with the next fetch)
   * @throws IllegalArgumentException if the bytes are not a filter; the view is unchanged then
   */
  public void applyFull(byte[] filterZstd, Instant requestedAt) {
    BloomFilter<CharSequence> decoded = BloomCodec.fromZstd(filterZstd);
    synchronized (this) {
      filter = decoded;
      lastFullFetch = requestedAt;
      lastFetch = requestedAt;
    }
  }

  /**
   * Adds the keys put since the last fetch. Ignored (returns false) before the first full
   * filter: there is nothing to add them to, and the view must not become fresh from it.
   */
  public synchronized boolean applyIncremental(Collection<String> keys, Instant requestedAt) {
    BloomFilter<CharSequence> f = filter;
    if (f == null) {
      return false;
    }
    keys.forEach(f::put);
    lastFetch = requestedAt;
    return true;
  }

  /** Applies a fetch answer; full filters decode here, so call from a worker for those. */
  public void apply(FetchBloomFilterResponse r, Instant requestedAt) {
    if (r.getIncremental()) {
      applyIncremental(r.getNewlyPopulatedKeysList(), requestedAt);
    } else {
      applyFull(r.getFilterZstd().toByteArray(), requestedAt);
    }
  }

  public Optional<Instant> lastFetch() {
    return Optional.ofNullable(lastFetch);
  }

  public Optional<Instant> lastFullFetch() {
    return Optional.ofNullable(lastFullFetch);
  }
}
