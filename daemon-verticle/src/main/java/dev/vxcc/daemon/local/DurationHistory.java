package dev.vxcc.daemon.local;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How long remote compiles took lately, per compiler and argument shape ({@link ArgumentShape}),
 * and per compiler as a whole for shapes not seen often enough yet. Bounded both ways: a few recent
 * samples per key, and the least recently used keys are forgotten. The estimate is a high percentile
 * of the recent samples, so that ordinary spread between files of one target is not taken for a
 * straggler. Confined to the delegate's event loop.
 */
final class DurationHistory {
  private final int samplesPerKey;
  private final int minSamples;
  private final Map<String, Deque<Long>> byKey;

  /**
   * @param samplesPerKey recent samples kept per key
   * @param minSamples below this many samples a key gives no estimate
   * @param maxKeys keys kept, the least recently used dropped first
   */
  DurationHistory(int samplesPerKey, int minSamples, int maxKeys) {
    if (samplesPerKey < 1 || minSamples < 1 || minSamples > samplesPerKey || maxKeys < 2) {
      throw new IllegalArgumentException("bad history bounds");
    }
    this.samplesPerKey = samplesPerKey;
    this.minSamples = minSamples;
    this.byKey = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
        return size() > maxKeys;
      }
    };
  }

  void record(String compilerDigest, String shape, long millis) {
    add(shapeKey(compilerDigest, shape), millis);
    add(compilerDigest, millis);
  }

  /** The expected duration of a task of this shape: its own history, else its compiler's; empty without enough of either. */
  OptionalLong expected(String compilerDigest, String shape) {
    OptionalLong own = estimate(shapeKey(compilerDigest, shape));
    return own.isPresent() ? own : estimate(compilerDigest);
  }

  int keys() {
    return byKey.size();
  }

  private static String shapeKey(String compilerDigest, String shape) {
    return compilerDigest + "\n" + shape;
  }

  private void add(String key, long millis) {
    Deque<Long> d = byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
    d.addLast(Math.max(0, millis));
    while (d.size() > samplesPerKey) {
      d.removeFirst();
    }
  }

  /** The 90th percentile (nearest rank) of the recent samples. */
  private OptionalLong estimate(String key) {
    Deque<Long> d = byKey.get(key);
    if (d == null || d.size() < minSamples) {
      return OptionalLong.empty();
    }
    long[] sorted = d.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(0.9 * sorted.length);
    return OptionalLong.of(sorted[Math.max(0, rank - 1)]);
  }
}
