package dev.vxcc.cache;

import dev.vxcc.common.util.Digests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * How a value is stored at rest (disk file, Hazelcast map entry): a 48-byte little-endian
 * header (magic {@code VXCE}, u16 format version, u16 reserved = 0, u64 value length, SHA-256 of
 * the value), then the value. The digest catches bit flips and truncation, which yadcc's disk engine served or kept indexed (§10.2/17).
 */
public final class EntryCodec {
  private EntryCodec() {}

  public static final int MAGIC = 0x56584345; // "VXCE"
  public static final short VERSION = 1;
  public static final int HEADER_BYTES = 4 + 2 + 2 + 8 + 32;

  public static byte[] sha256(byte[] value) {
    return Digests.sha256().digest(value);
  }

  public static byte[] encode(byte[] value) {
    return encode(value, sha256(value));
  }

  public static byte[] encode(byte[] value, byte[] sha256) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + value.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(value.length).put(sha256).put(value);
    return b.array();
  }

  /** The value, after checking the header and the digest; {@link CorruptEntryException} otherwise. */
  public static byte[] decode(byte[] stored) {
    if (stored.length < HEADER_BYTES) {
      throw new CorruptEntryException("entry shorter than its header (" + stored.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != MAGIC) {
      throw new CorruptEntryException("bad magic");
    }
    short version = b.getShort();
    if (version != VERSION) {
      throw new CorruptEntryException("unknown entry format version " + version);
    }
    if (b.getShort() != 0) {
      throw new CorruptEntryException("reserved header field is not zero");
    }
    long length = b.getLong();
    if (length != stored.length - HEADER_BYTES) {
      throw new CorruptEntryException("value length " + length + " but " + (stored.length - HEADER_BYTES) + " bytes present");
    }
    byte[] expected = new byte[32];
    b.get(expected);
    byte[] value = Arrays.copyOfRange(stored, HEADER_BYTES, stored.length);
    if (!MessageDigest.isEqual(expected, sha256(value))) {
      throw new CorruptEntryException("SHA-256 mismatch");
    }
    return value;
  }

  /** A stored entry failed its integrity check; the caller drops it and reports a miss. */
  public static final class CorruptEntryException extends RuntimeException {
    public CorruptEntryException(String message) {
      super(message);
    }
  }
}
