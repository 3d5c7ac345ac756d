package dev.vxcc.cache.client;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vxcc.common.util.Zstd;
import org.junit.jupiter.api.Test;

class BloomCodecTest {
  @Test
  void codecRejectsGarbage() {
    assertThrows(IllegalArgumentException.class, () -> BloomCodec.fromZstd(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> BloomCodec.fromZstd(Zstd.compress(new byte[] {9, 9, 9})));
  }
}
