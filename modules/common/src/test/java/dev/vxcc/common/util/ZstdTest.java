package dev.vxcc.common.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ZstdTest {
  @Test
  void roundTripsEmptyAndLargeInputs() {
    assertArrayEquals(new byte[0], Zstd.decompress(Zstd.compress(new byte[0])));
    byte[] big = "int x;\n".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(big, Zstd.decompress(Zstd.compress(big)));
  }

  @Test
  void garbageIsRejectedRatherThanInflated() {
    assertThrows(IllegalArgumentException.class, () -> Zstd.decompress("not zstd at all".getBytes(StandardCharsets.US_ASCII)));
  }
}
