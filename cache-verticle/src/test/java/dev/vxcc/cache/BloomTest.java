package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.cache.client.BloomFetcher;
import dev.vxcc.cache.client.BloomView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BloomTest {
  private static final double FPP = 0.01;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private BloomGenerator generator(long expected) {
    return new BloomGenerator(expected, FPP, Duration.ofMinutes(10), Duration.ZERO, clock, new Random(1));
  }

  @Test
  void fullFilterHoldsEveryKeyAndMeetsItsFalsePositiveTarget() {
    int n = 100_000;
    BloomGenerator g = generator(n);
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(Keys.key("present" + i));
    }
    g.rebuild(keys, Duration.ZERO);
    clock.advance(Duration.ofHours(2));

    BloomGenerator.Full full = assertInstanceOf(BloomGenerator.Full.class, g.fetch(BloomFetcher.NEVER, BloomFetcher.NEVER));
    assertEquals(n, full.keys());
    BloomView view = new BloomView(clock);
    view.applyFull(full.filterZstd(), clock.instant());
    for (String k : keys) {
      assertTrue(view.mightContain(k));
    }
    int falsePositives = 0;
    int probes = 100_000;
    for (int i = 0; i < probes; i++) {
      if (view.mightContain(Keys.key("absent" + i))) {
        falsePositives++;
      }
    }
    double rate = (double) falsePositives / probes;
    assertTrue(rate < 2 * FPP, "false-positive rate " + rate);
    assertEquals(1, g.rebuilds());
  }

  @Test
  void incrementalCarriesKeysAddedSinceTheLastFetch() {
    BloomGenerator g = generator(1000);
    g.rebuild(List.of(Keys.key("old")), Duration.ZERO);
    clock.advance(Duration.ofMinutes(5));
    g.add(Keys.key("a"));
    clock.advance(Duration.ofSeconds(30));
    g.add(Keys.key("b"));
    clock.advance(Duration.ofSeconds(2));

    BloomGenerator.Incremental inc = assertInstanceOf(BloomGenerator.Incremental.class, g.fetch(60, 2));
    assertEquals(List.of(Keys.key("b")), inc.keys()); // within 2 s + 5 s margin; "a" is 32 s old
    inc = assertInstanceOf(BloomGenerator.Incremental.class, g.fetch(60, 40));
    assertEquals(List.of(Keys.key("b"), Keys.key("a")), inc.keys());
  }

  @Test
  void fullWhenTheCallersCopyIsOldOrOlderThanTheHistory() {
    BloomGenerator g = generator(1000);
    g.rebuild(List.of(), Duration.ZERO);
    // Just started: the history covers nothing, so only a full filter is safe.
    assertInstanceOf(BloomGenerator.Full.class, g.fetch(30, 2));
    clock.advance(Duration.ofHours(2));
    assertInstanceOf(BloomGenerator.Incremental.class, g.fetch(30, 2));
    assertInstanceOf(BloomGenerator.Full.class, g.fetch(600, 2));
    assertInstanceOf(BloomGenerator.Full.class, g.fetch(7200, 3600));
    assertThrows(IllegalArgumentException.class, () -> g.fetch(2, 30));
  }

  @Test
  void historyIsKeptOneHourAndRebuildCompensatesRecentPuts() {
    BloomGenerator g = generator(1000);
    g.add(Keys.key("ancient"));
    clock.advance(Duration.ofMinutes(61));
    g.add(Keys.key("recent"));
    assertEquals(List.of(Keys.key("recent")), g.addedWithin(Duration.ofHours(2)));
    // The listing missed "recent" (put while it ran): the compensation window adds it anyway.
    g.rebuild(List.of(), Duration.ofSeconds(10));
    BloomView view = new BloomView(clock);
    view.applyFull(g.full().filterZstd(), clock.instant());
    assertTrue(view.mightContain(Keys.key("recent")));
  }

  @Test
  void viewIsNotFreshBeforeTheFirstFullFetchAndGoesStale() {
    BloomView view = new BloomView(clock);
    assertFalse(view.fresh());
    assertTrue(view.worthAsking(Keys.key("x")));
    // Incremental keys before any full filter are ignored and do not make the view fresh.
    assertFalse(view.applyIncremental(List.of(Keys.key("x")), clock.instant()));
    assertFalse(view.fresh());
    // A broken full answer does not either (yadcc's bug §10.2/9).
    assertThrows(IllegalArgumentException.class, () -> view.applyFull(new byte[] {1, 2, 3}, clock.instant()));
    assertFalse(view.fresh());
    assertEquals(new BloomFetcher.Request(BloomFetcher.NEVER, BloomFetcher.NEVER), BloomFetcher.nextRequest(view, clock.instant()));

    BloomGenerator g = generator(1000);
    g.rebuild(List.of(Keys.key("in")), Duration.ZERO);
    view.applyFull(g.full().filterZstd(), clock.instant());
    assertTrue(view.fresh());
    assertTrue(view.mightContain(Keys.key("in")));
    assertFalse(view.worthAsking(Keys.key("out")));

    clock.advance(Duration.ofMillis(2500));
    assertEquals(new BloomFetcher.Request(3, 3), BloomFetcher.nextRequest(view, clock.instant()));
    assertTrue(view.applyIncremental(List.of(Keys.key("out")), clock.instant()));
    assertTrue(view.mightContain(Keys.key("out")));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(new BloomFetcher.Request(4, 1), BloomFetcher.nextRequest(view, clock.instant()));

    clock.advance(BloomView.STALE_AFTER);
    assertFalse(view.fresh());
    assertTrue(view.worthAsking(Keys.key("never-put")));
  }
}
