package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryCacheTest {
  private static final int VALUE_BYTES = 1000;
  private static final int ENTRY_WEIGHT = VALUE_BYTES + 2 * 64 + MemoryCache.ENTRY_OVERHEAD_BYTES;

  private static MemoryCache cache(int entries) {
    return new MemoryCache((long) entries * ENTRY_WEIGHT, Runnable::run);
  }

  @Test
  void staysWithinItsByteBoundAndCountsEvictions() {
    MemoryCache c = cache(50);
    for (int i = 0; i < 200; i++) {
      c.put(Keys.key("k" + i), new byte[VALUE_BYTES]);
    }
    c.cleanUp();
    assertTrue(c.bytes() <= c.maxBytes(), c.bytes() + " > " + c.maxBytes());
    assertTrue(c.entries() <= 50);
    assertEquals(200 - c.entries(), c.evictions());
  }

  @Test
  void hotEntriesSurviveAScanOfColdOnes() {
    MemoryCache c = cache(100);
    // Fill first: Caffeine sizes its frequency sketch once the cache is half full.
    for (int i = 0; i < 100; i++) {
      c.put(Keys.key("warm" + i), new byte[VALUE_BYTES]);
    }
    for (int i = 0; i < 10; i++) {
      c.put(Keys.key("hot" + i), new byte[VALUE_BYTES]);
    }
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 10; i++) {
        assertTrue(c.get(Keys.key("hot" + i)).isPresent());
      }
    }
    for (int i = 0; i < 2000; i++) {
      c.put(Keys.key("cold" + i), new byte[VALUE_BYTES]);
    }
    c.cleanUp();
    for (int i = 0; i < 10; i++) {
      assertTrue(c.get(Keys.key("hot" + i)).isPresent(), "hot entry " + i + " was evicted by the scan");
    }
    assertTrue(c.bytes() <= c.maxBytes());
  }

  @Test
  void refusesAValueLargerThanTheWholeBudget() {
    MemoryCache c = cache(2);
    c.put(Keys.key("small"), new byte[10]);
    c.put(Keys.key("huge"), new byte[3 * ENTRY_WEIGHT]);
    assertEquals(Optional.empty(), c.get(Keys.key("huge")));
    assertArrayEquals(new byte[10], c.get(Keys.key("small")).orElseThrow());
  }
}
