package dev.vxcc.cache.client;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import com.google.common.hash.Funnels;
import dev.vxcc.common.util.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Bloom filter's wire form, shared by the cache (writer) and daemons (readers): Guava's
 * {@link BloomFilter#writeTo} output, which carries its hash count and bits, in one zstd frame.
 * CPU work of a few milliseconds for a 1 M-key filter: call from worker threads.
 */
public final class BloomCodec {
  private BloomCodec() {}

  public static final Funnel<CharSequence> FUNNEL = Funnels.stringFunnel(StandardCharsets.UTF_8);

  public static BloomFilter<CharSequence> create(long expectedKeys, double falsePositiveRate) {
    return BloomFilter.create(FUNNEL, expectedKeys, falsePositiveRate);
  }

  public static byte[] toZstd(BloomFilter<CharSequence> filter) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      filter.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return Zstd.compress(out.toByteArray());
  }

  /** @throws IllegalArgumentException if the bytes are not a zstd frame holding a filter */
  public static BloomFilter<CharSequence> fromZstd(byte[] frame) {
    try {
      byte[] raw = Zstd.decompress(frame);
      if (raw.length == 0) {
        throw new IllegalArgumentException("empty Bloom filter");
      }
      return BloomFilter.readFrom(new ByteArrayInputStream(raw), FUNNEL);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a Bloom filter: " + e.getMessage(), e);
    }
  }
}
