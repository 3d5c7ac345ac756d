package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EntryCodecTest {
  private static final byte[] VALUE = "some entry".getBytes();

  @Test
  void roundTrips() {
    assertArrayEquals(VALUE, EntryCodec.decode(EntryCodec.encode(VALUE)));
    assertArrayEquals(new byte[0], EntryCodec.decode(EntryCodec.encode(new byte[0])));
  }

  @Test
  void detectsFlipsTruncationAndTrailingBytes() {
    byte[] stored = EntryCodec.encode(VALUE);
    for (int i = 0; i < stored.length; i++) {
      byte[] flipped = stored.clone();
      flipped[i] ^= 0x10;
      assertThrows(EntryCodec.CorruptEntryException.class, () -> EntryCodec.decode(flipped), "flip at " + i);
    }
    assertThrows(EntryCodec.CorruptEntryException.class, () -> EntryCodec.decode(Arrays.copyOf(stored, stored.length - 1)));
    assertThrows(EntryCodec.CorruptEntryException.class, () -> EntryCodec.decode(Arrays.copyOf(stored, stored.length + 1)));
    assertThrows(EntryCodec.CorruptEntryException.class, () -> EntryCodec.decode(new byte[3]));
  }
}
