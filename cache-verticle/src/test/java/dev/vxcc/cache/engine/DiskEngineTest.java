package dev.vxcc.cache.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.cache.EntryCodec;
import dev.vxcc.cache.Keys;
import dev.vxcc.cache.MutableClock;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskEngineTest {
  private static final int VALUE_BYTES = 1000;
  private static final int FILE_BYTES = VALUE_BYTES + EntryCodec.HEADER_BYTES;

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private DiskEngine open(long maxBytes) {
    return new DiskEngine(dir, maxBytes, clock).open();
  }

  private static byte[] value(int seed) {
    byte[] v = new byte[VALUE_BYTES];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) (seed * 31 + i);
    }
    return v;
  }

  @Test
  void putGetSpreadsOverBuckets() {
    DiskEngine e = open(1 << 20);
    String k = Keys.key("a");
    e.put(k, value(1));
    assertArrayEquals(value(1), e.get(k).orElseThrow());
    assertTrue(Files.exists(dir.resolve(k.substring(0, 2)).resolve(k)));
    assertEquals(Optional.empty(), e.get(Keys.key("absent")));
    assertEquals(new EngineStats(1, FILE_BYTES, 1, 1, 0, 0), e.stats());
  }

  @Test
  void sizeComesFromTheIndexWithoutReadingOrCounting() {
    DiskEngine e = open(1 << 20);
    String k = Keys.key("head");
    assertTrue(e.size(k).isEmpty());
    e.put(k, value(2));
    assertEquals(VALUE_BYTES, e.size(k).getAsLong());
    // A reopened engine knows sizes from the directory alone.
    assertEquals(VALUE_BYTES, open(1 << 20).size(k).getAsLong());
    assertEquals(0, e.stats().hits() + e.stats().misses(), "an HTTP HEAD is neither a hit nor a miss");
  }

  @Test
  void purgeDeletesLeastRecentlyUsedUntilUnderTheBound() {
    DiskEngine e = open(10L * FILE_BYTES);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      keys.add(Keys.key("k" + i));
      e.put(keys.get(i), value(i));
      clock.advance(Duration.ofSeconds(10));
    }
    // Reading the two oldest makes them the most recently used.
    assertTrue(e.get(keys.get(0)).isPresent());
    assertTrue(e.get(keys.get(1)).isPresent());
    assertEquals(15L * FILE_BYTES, e.stats().bytes());

    int removed = e.purge();

    assertTrue(e.stats().bytes() <= 10L * FILE_BYTES * DiskEngine.LOW_WATERMARK_PERCENT / 100, "bytes " + e.stats().bytes());
    assertEquals(removed, e.stats().evictions());
    assertEquals(6, removed); // down to 9 entries, below 95 % of 10
    for (int i = 2; i < 8; i++) {
      assertFalse(Files.exists(dir.resolve(keys.get(i).substring(0, 2)).resolve(keys.get(i))), "key " + i + " should be purged");
      assertEquals(Optional.empty(), e.get(keys.get(i)));
    }
    for (int i : new int[] {0, 1, 8, 14}) {
      assertTrue(e.get(keys.get(i)).isPresent(), "key " + i + " should survive");
    }
    assertEquals(0, e.purge());
  }

  @Test
  void flippedByteIsDetectedDeletedCountedAndAMiss() throws Exception {
    DiskEngine e = open(1 << 20);
    String k = Keys.key("flip");
    e.put(k, value(7));
    Path f = dir.resolve(k.substring(0, 2)).resolve(k);
    byte[] raw = Files.readAllBytes(f);
    raw[raw.length - 10] ^= 0x01;
    Files.write(f, raw);

    assertEquals(Optional.empty(), e.get(k));
    assertFalse(Files.exists(f));
    assertEquals(1, e.stats().corrupt());
    assertEquals(0, e.stats().entries());
    assertFalse(e.keys().contains(k));
  }

  @Test
  void truncatedFileIsDetectedDeletedCountedAndAMiss() throws Exception {
    DiskEngine e = open(1 << 20);
    String k = Keys.key("trunc");
    e.put(k, value(8));
    Path f = dir.resolve(k.substring(0, 2)).resolve(k);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(FILE_BYTES - 100);
    }
    assertEquals(Optional.empty(), e.get(k));
    assertFalse(Files.exists(f));
    assertEquals(1, e.stats().corrupt());
    // A later put of the key is served again.
    e.put(k, value(8));
    assertArrayEquals(value(8), e.get(k).orElseThrow());
  }

  @Test
  void restartFindsTheEntriesAndDropsLeftovers() throws Exception {
    DiskEngine first = open(1 << 20);
    for (int i = 0; i < 20; i++) {
      first.put(Keys.key("r" + i), value(i));
    }
    String k0 = Keys.key("r0");
    Path bucket = dir.resolve(k0.substring(0, 2));
    Files.write(bucket.resolve(".tmp-123"), new byte[5]); // a put interrupted by a crash
    Files.write(bucket.resolve("not-a-key"), new byte[5]);
    String misplaced = Keys.key("elsewhere");
    Path wrongBucket = dir.resolve(misplaced.startsWith("00") ? "01" : "00");
    Files.write(wrongBucket.resolve(misplaced), EntryCodec.encode(value(1)));

    DiskEngine second = open(1 << 20);

    assertEquals(20, second.stats().entries());
    assertEquals(20L * FILE_BYTES, second.stats().bytes());
    for (int i = 0; i < 20; i++) {
      assertArrayEquals(value(i), second.get(Keys.key("r" + i)).orElseThrow());
    }
    assertFalse(Files.exists(bucket.resolve(".tmp-123")));
    assertFalse(Files.exists(bucket.resolve("not-a-key")));
    assertFalse(Files.exists(wrongBucket.resolve(misplaced)));
  }

  @Test
  void concurrentPutsOfOneKeyLeaveOneCompleteEntry() throws Exception {
    DiskEngine e = open(1 << 24);
    String k = Keys.key("race");
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int seed = w;
      done.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 50; i++) {
          e.put(k, value(seed));
          Optional<byte[]> read = e.get(k);
          // Never a torn or corrupt read: always some writer's whole value.
          assertTrue(read.isPresent());
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    byte[] last = e.get(k).orElseThrow();
    boolean matchesAWriter = false;
    for (int w = 0; w < writers; w++) {
      matchesAWriter |= java.util.Arrays.equals(last, value(w));
    }
    assertTrue(matchesAWriter);
    assertEquals(new EngineStats(1, FILE_BYTES, e.stats().hits(), 0, 0, 0), e.stats());
    try (var files = Files.list(dir.resolve(k.substring(0, 2)))) {
      assertEquals(Set.of(k), Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
    }
  }
}
