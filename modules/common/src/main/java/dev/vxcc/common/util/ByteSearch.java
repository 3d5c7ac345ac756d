package dev.vxcc.common.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Searches over megabytes of preprocessed text, eight bytes per step: every remote task scans
 * its text several times, and a byte-at-a-time loop costs about a nanosecond a byte. A word
 * matches where one of its bytes equals the wanted one; the lowest such byte is found exactly.
 */
public final class ByteSearch {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long ONES = 0x0101010101010101L;

  private ByteSearch() {}

  /** The first index at or after from holding b, or -1. */
  public static int indexOf(byte[] a, byte b, int from) {
    int i = Math.max(0, from);
    long pattern = (b & 0xFFL) * ONES;
    for (int last = a.length - Long.BYTES; i <= last; i += Long.BYTES) {
      long hits = equalBytes(word(a, i), pattern);
      if (hits != 0) {
        return i + (Long.numberOfTrailingZeros(hits) >>> 3);
      }
    }
    for (; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The first index at or after from where the needle starts, or -1. Only places where the
   * needle's first, middle and last bytes all match are compared in full (two common letters a
   * fixed distance apart still meet every few hundred bytes of C++).
   */
  public static int indexOf(byte[] a, byte[] needle, int from) {
    int n = needle.length;
    int i = Math.max(0, from);
    if (n == 0) {
      return i <= a.length ? i : -1;
    }
    long first = (needle[0] & 0xFFL) * ONES;
    int mid = (n - 1) / 2;
    long middle = (needle[mid] & 0xFFL) * ONES;
    long lastByte = (needle[n - 1] & 0xFFL) * ONES;
    for (int end = a.length - (n - 1) - Long.BYTES; i <= end; i += Long.BYTES) {
      long hits = equalBytes(word(a, i), first) & equalBytes(word(a, i + n - 1), lastByte) & equalBytes(word(a, i + mid), middle);
      while (hits != 0) {
        int at = i + (Long.numberOfTrailingZeros(hits) >>> 3);
        if (regionEquals(a, at, needle)) {
          return at;
        }
        hits &= hits - 1;
      }
    }
    for (int last = a.length - n; i <= last; i++) {
      if (a[i] == needle[0] && regionEquals(a, i, needle)) {
        return i;
      }
    }
    return -1;
  }

  /** The first index at or after from where b occurs twice in a row, or -1. */
  public static int indexOfPair(byte[] a, byte b, int from) {
    int i = Math.max(0, from);
    long pattern = (b & 0xFFL) * ONES;
    // Words overlap by one byte so that a pair across two words is seen whole in the second.
    for (int last = a.length - Long.BYTES; i <= last; i += Long.BYTES - 1) {
      long hits = equalBytes(word(a, i), pattern);
      long pairs = hits & (hits >>> 8);
      if (pairs != 0) {
        return i + (Long.numberOfTrailingZeros(pairs) >>> 3);
      }
    }
    for (; i + 1 < a.length; i++) {
      if (a[i] == b && a[i + 1] == b) {
        return i;
      }
    }
    return -1;
  }

  public static boolean regionEquals(byte[] a, int at, byte[] needle) {
    if (at < 0 || a.length - at < needle.length) {
      return false;
    }
    for (int k = 0; k < needle.length; k++) {
      if (a[at + k] != needle[k]) {
        return false;
      }
    }
    return true;
  }

  private static long word(byte[] a, int i) {
    return (long) LONGS.get(a, i);
  }

  /** The high bit of each byte of word that equals the pattern's byte, and no other bit. */
  private static long equalBytes(long word, long pattern) {
    long x = word ^ pattern;
    // Adding within seven bits never carries into the next byte: exact, unlike the borrow trick.
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }
}
