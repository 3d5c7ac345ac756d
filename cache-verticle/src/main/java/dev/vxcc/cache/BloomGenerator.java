package dev.vxcc.cache;

import com.google.common.hash.BloomFilter;
import dev.vxcc.cache.client.BloomCodec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The cache's side of the Bloom filter daemons use to skip certain misses (§4.13): the filter of
 * every key, rebuilt periodically from L1 ∪ L2 so evicted keys drop out, plus the keys put since
 * (kept one hour) so daemons can catch up with small incremental fetches. Thread-safe.
 */
public final class BloomGenerator {
  /** How long added keys are remembered for incremental fetches. */
  public static final Duration HISTORY = Duration.ofHours(1);
  /** Incremental answers reach this much further back than asked, covering clock and RPC skew. */
  public static final Duration MARGIN = Duration.ofSeconds(5);

  private final long expectedKeys;
  private final double falsePositiveRate;
  private final Duration fullEvery;
  private final Duration fullJitter;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final Instant startedAt;
  private final Deque<Added> history = new ArrayDeque<>(); // oldest first
  private BloomFilter<CharSequence> filter;
  private long keysInFilter;
  private long rebuilds;
  private byte[] fullZstd; // serialisation of the current filter, dropped on every change

  private record Added(String key, Instant at) {}

  /** A fetch answer: the whole filter, or the keys added since the caller's last fetch. */
  public sealed interface Update {}

  public record Full(byte[] filterZstd, long keys) implements Update {}

  public record Incremental(List<String> keys) implements Update {}

  /**
   * @param fullEvery a caller whose last full fetch is this old (plus jitter) gets a full filter
   * @param fullJitter up to this much is added at random, so daemons started together do not all
   *     download the filter in the same second
   */
  public BloomGenerator(long expectedKeys, double falsePositiveRate, Duration fullEvery, Duration fullJitter,
      InstantSource clock, RandomGenerator random) {
    this.expectedKeys = expectedKeys;
    this.falsePositiveRate = falsePositiveRate;
    this.fullEvery = fullEvery;
    this.fullJitter = fullJitter;
    this.clock = clock;
    this.random = random;
    this.startedAt = clock.instant();
    this.filter = BloomCodec.create(expectedKeys, falsePositiveRate);
  }

  public synchronized void add(String key) {
    filter.put(key);
    keysInFilter++;
    fullZstd = null;
    history.addLast(new Added(key, clock.instant()));
    trim();
  }

  /**
   * Builds a new filter from {@code keys} and swaps it in. Keys added within {@code compensation}
   * before the swap are added too: they may have been put while {@code keys} was being listed.
   * The build runs outside the lock; call from a worker.
   */
  public void rebuild(Collection<String> keys, Duration compensation) {
    BloomFilter<CharSequence> fresh = BloomCodec.create(expectedKeys, falsePositiveRate);
    for (String k : keys) {
      fresh.put(k);
    }
    synchronized (this) {
      List<String> recent = addedWithin(compensation);
      recent.forEach(fresh::put);
      filter = fresh;
      keysInFilter = keys.size() + recent.size();
      fullZstd = null;
      rebuilds++;
    }
  }

  /** Keys added within {@code d} before now, newest first. */
  public synchronized List<String> addedWithin(Duration d) {
    trim();
    Instant since = clock.instant().minus(d);
    List<String> out = new ArrayList<>();
    for (Iterator<Added> it = history.descendingIterator(); it.hasNext(); ) {
      Added a = it.next();
      if (a.at().isBefore(since)) {
        break;
      }
      out.add(a.key());
    }
    return out;
  }

  /**
   * Answers a daemon's fetch. Full when its filter is old (so evicted keys eventually leave it),
   * or when its last fetch is older than what the history covers (one hour, or less since this
   * cache started: keys put before a restart are not in the history); incremental otherwise.
   *
   * @throws IllegalArgumentException if the last fetch is claimed to be older than the last full one
   */
  public Update fetch(long secondsSinceLastFullFetch, long secondsSinceLastFetch) {
    if (secondsSinceLastFetch > secondsSinceLastFullFetch || secondsSinceLastFetch < 0) {
      throw new IllegalArgumentException("seconds_since_last_fetch (" + secondsSinceLastFetch
          + ") must be between 0 and seconds_since_last_full_fetch (" + secondsSinceLastFullFetch + ")");
    }
    Instant now = clock.instant();
    long jitter = fullJitter.toSeconds() > 0 ? random.nextLong(fullJitter.toSeconds() + 1) : 0;
    long covered = Math.min(HISTORY.toSeconds(), Duration.between(startedAt, now).toSeconds());
    boolean full = secondsSinceLastFullFetch >= fullEvery.toSeconds() + jitter
        || secondsSinceLastFetch + MARGIN.toSeconds() > covered;
    if (full) {
      return full();
    }
    return new Incremental(addedWithin(Duration.ofSeconds(secondsSinceLastFetch).plus(MARGIN)));
  }

  public synchronized Full full() {
    if (fullZstd == null) {
      fullZstd = BloomCodec.toZstd(filter);
    }
    return new Full(fullZstd, keysInFilter);
  }

  public synchronized long rebuilds() {
    return rebuilds;
  }

  public long expectedKeys() {
    return expectedKeys;
  }

  public double falsePositiveRate() {
    return falsePositiveRate;
  }

  /** Drops history older than {@link #HISTORY}; callers hold the lock. */
  private void trim() {
    Instant oldest = clock.instant().minus(HISTORY);
    while (!history.isEmpty() && history.peekFirst().at().isBefore(oldest)) {
      history.removeFirst();
    }
  }
}
