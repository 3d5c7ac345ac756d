package dev.vxcc.common.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ZstdTest {
  private static final int BLOCK = 128 << 10;

  @Test
  void roundTripsEmptyAndLargeInputs() {
    assertArrayEquals(new byte[0], Zstd.decompress(Zstd.compress(new byte[0])));
    byte[] big = "int x;\n".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(big, Zstd.decompress(Zstd.compress(big)));
    byte[] huge = "int y;\n".repeat(3_000_000).getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(huge, Zstd.decompress(Zstd.compress(huge), huge.length));
  }

  @Test
  void garbageIsRejectedRatherThanInflated() {
    assertThrows(IllegalArgumentException.class, () -> Zstd.decompress("not zstd at all".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aSmallFrameHonestlyDeclaringOneGibIsRefusedFromItsHeader() {
    byte[] bomb = rleFrame(1L << 30, 8192);
    assertTrue(bomb.length < 40_000, "the attack frame is about 32 KB");
    assertEquals(1L << 30, Zstd.declaredSize(bomb));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zstd.decompress(bomb, 256L << 20));
    assertTrue(e.getMessage().contains("declares"), e.getMessage());
  }

  @Test
  void aFrameLyingAboutItsSizeCostsOnlyWhatItProduces() {
    // Declares 512 MiB, holds one 128 KiB block: refused without a 512 MiB allocation.
    byte[] liar = rleFrame(512L << 20, 1);
    assertThrows(IllegalArgumentException.class, () -> Zstd.decompress(liar, 1L << 30));
  }

  @Test
  void aFrameWithoutDeclaredSizeIsStreamedUpToTheBound() {
    byte[] unknown = rleFrame(-1, 8192);
    assertEquals(-1, Zstd.declaredSize(unknown));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zstd.decompress(unknown, 16L << 20));
    assertTrue(e.getMessage().contains("beyond"), e.getMessage());
    byte[] small = rleFrame(-1, 3);
    assertEquals(3 * BLOCK, Zstd.decompress(small, 3 * BLOCK).length);
    assertThrows(IllegalArgumentException.class, () -> Zstd.decompress(small, 3 * BLOCK - 1));
  }

  @Test
  void theBoundIsInclusiveForDeclaredSizes() {
    byte[] data = new byte[1000];
    byte[] frame = Zstd.compress(data);
    assertArrayEquals(data, Zstd.decompress(frame, 1000));
    assertThrows(IllegalArgumentException.class, () -> Zstd.decompress(frame, 999));
  }

  /**
   * A hand-made frame of RLE blocks (128 KiB of 'A' from 4 bytes each), as an attacker would
   * build it; {@code declared} -1 leaves the content size out of the header.
   */
  static byte[] rleFrame(long declared, int blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD});
    // Frame header descriptor: 8-byte content size (or none), not single-segment, no checksum.
    out.write(declared >= 0 ? 0xC0 : 0x00);
    out.write(7 << 3); // window 2^(10+7) = 128 KiB, one block
    if (declared >= 0) {
      for (int i = 0; i < 8; i++) {
        out.write((int) (declared >>> (8 * i)) & 0xff);
      }
    }
    for (int b = 0; b < blocks; b++) {
      int header = (b == blocks - 1 ? 1 : 0) | (1 << 1) | (BLOCK << 3);
      out.write(header & 0xff);
      out.write((header >>> 8) & 0xff);
      out.write((header >>> 16) & 0xff);
      out.write('A');
    }
    return out.toByteArray();
  }
}
