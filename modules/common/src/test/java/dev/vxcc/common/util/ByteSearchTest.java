package dev.vxcc.common.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time searches find exactly what a byte-at-a-time search finds. */
class ByteSearchTest {
  // Bytes next to each other in value and with the high bit set: where a carry or a sign would show.
  private static final byte[] ALPHABET = {'_', '^', '`', '#', '\n', 0, (byte) 0x80, (byte) 0xDF, (byte) 0xFF, 0x7F, 'p'};

  private static byte[] random(Random r, int max) {
    byte[] a = new byte[r.nextInt(max)];
    for (int i = 0; i < a.length; i++) {
      a[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return a;
  }

  @Test
  void singleBytesAreFoundWhereALoopFindsThem() {
    Random r = new Random(1);
    for (int n = 0; n < 50_000; n++) {
      byte[] a = random(r, 40);
      byte b = ALPHABET[r.nextInt(ALPHABET.length)];
      int from = r.nextInt(a.length + 3) - 1;
      assertEquals(naive(a, new byte[] {b}, from), ByteSearch.indexOf(a, b, from));
    }
  }

  @Test
  void needlesAreFoundWhereALoopFindsThem() {
    Random r = new Random(2);
    for (int n = 0; n < 50_000; n++) {
      byte[] a = random(r, 60);
      byte[] needle = random(r, 6);
      if (needle.length == 0) {
        continue;
      }
      int from = r.nextInt(a.length + 3) - 1;
      assertEquals(naive(a, needle, from), ByteSearch.indexOf(a, needle, from));
    }
  }

  @Test
  void pairsAreFoundWhereALoopFindsThem() {
    Random r = new Random(3);
    for (int n = 0; n < 50_000; n++) {
      byte[] a = random(r, 40);
      byte b = ALPHABET[r.nextInt(3)];
      int from = r.nextInt(a.length + 3) - 1;
      assertEquals(naive(a, new byte[] {b, b}, from), ByteSearch.indexOfPair(a, b, from));
    }
  }

  private static int naive(byte[] a, byte[] needle, int from) {
    for (int i = Math.max(0, from); i + needle.length <= a.length; i++) {
      if (ByteSearch.regionEquals(a, i, needle)) {
        return i;
      }
    }
    return -1;
  }
}
