package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.wire.Frames;
import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local API's framing ({@link Frames}) under hostile bodies: any bytes either parse or fail
 * with {@link IllegalArgumentException}, a declared length is checked against the body before
 * anything is allocated for it, and whatever the builder writes parses back to the same fields.
 */
class FramesFuzzTest {
  /** Tags the builder is used with never contain a space or LF and stay under the 64-byte header window. */
  private static final Gen<String> TAG = Gen.strings("abcdefghijklmnopqrstuvwxyz_-0123456789", 63)
      .map(s -> s.isEmpty() ? "t" : s);
  private static final Gen<String> LENGTH = Gen.oneOf(
      Gen.ints(0, 40).map(String::valueOf),
      Gen.elements(List.of("-1", "+3", "007", "", " ", "2147483647", "2147483648", "4294967296", "9223372036854775807",
          "9223372036854775808", "-9223372036854775808", "99999999999999999999", "1e3", "0x10", "\u0661")));

  /** Bodies that look like frames: real headers with lying lengths, truncation and junk between them. */
  private static final Gen<byte[]> FRAMELIKE = r -> {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int fields = r.nextInt(6);
    for (int i = 0; i < fields; i++) {
      out.writeBytes(TAG.next(r).getBytes(StandardCharsets.US_ASCII));
      out.write(r.nextInt(10) == 0 ? '\t' : ' ');
      out.writeBytes(LENGTH.next(r).getBytes(StandardCharsets.UTF_8));
      out.write(r.nextInt(10) == 0 ? '\r' : '\n');
      out.writeBytes(Gen.bytes(48).next(r));
    }
    byte[] all = out.toByteArray();
    return r.nextBoolean() || all.length == 0 ? all : java.util.Arrays.copyOf(all, r.nextInt(all.length));
  };

  private static long budget(byte[] input) {
    // The parse copies each field once; 64 KiB covers strings and lists for a few fields.
    return 64 * 1024 + 8L * input.length;
  }

  private static void parsesOrRefuses(byte[] body) {
    Frames f;
    try {
      f = Frames.parse(Buffer.buffer(body));
    } catch (IllegalArgumentException refused) {
      return;
    }
    long total = f.fields().stream().mapToLong(x -> x.value().length + x.tag().length()).sum();
    assertTrue(total <= body.length, "fields hold more bytes than the body");
  }

  @Test
  void arbitraryBytesParseOrAreRefused() {
    Fuzz.property("frames-bytes").<byte[]>allocationBudget(FramesFuzzTest::budget)
        .check(Gen.bytes(512), FramesFuzzTest::parsesOrRefuses);
  }

  @Test
  void framelikeBodiesParseOrAreRefused() {
    Fuzz.property("frames-framelike").<byte[]>allocationBudget(FramesFuzzTest::budget)
        .check(FRAMELIKE, FramesFuzzTest::parsesOrRefuses);
  }

  private record Field(String tag, byte[] value) {}

  @Test
  void builderOutputParsesBackToTheSameFields() {
    Gen<List<Field>> fields = Gen.lists(r -> new Field(TAG.next(r), Gen.bytes(300).next(r)), 12);
    Fuzz.property("frames-roundtrip").check(fields, in -> {
      Frames.Builder b = Frames.builder();
      in.forEach(f -> b.add(f.tag(), f.value()));
      List<Frames.Field> back = Frames.parse(b.build()).fields();
      assertEquals(in.size(), back.size());
      for (int i = 0; i < in.size(); i++) {
        assertEquals(in.get(i).tag(), back.get(i).tag());
        assertArrayEquals(in.get(i).value(), back.get(i).value());
      }
    });
  }

  @Test
  void hugeDeclaredLengthsInATinyBodyAreRefusedBeforeAllocation() {
    Gen<String> huge = Gen.oneOf(
        Gen.ints(31, 62).map(bits -> Long.toString(1L << bits)),
        r -> Long.toString(Long.MAX_VALUE - r.nextInt(100)),
        r -> Long.toString((1L << 31) - 1 - r.nextInt(100)));
    Gen<byte[]> bodies = r -> {
      String prefix = r.nextBoolean() ? "" : "action 3\nput";
      return (prefix + TAG.next(r) + " " + huge.next(r) + "\n" + "x".repeat(r.nextInt(16)))
          .getBytes(StandardCharsets.US_ASCII);
    };
    Fuzz.property("frames-huge-length").maxAllocatedBytes(64 * 1024).check(bodies,
        body -> assertThrows(IllegalArgumentException.class, () -> Frames.parse(Buffer.buffer(body))));
  }

  @Test
  void aTruncatedBodyIsRefusedOrParsesToAPrefixOfItsFields() {
    Gen<List<Field>> fields = Gen.lists(r -> new Field(TAG.next(r), Gen.bytes(40).next(r)), 6);
    Fuzz.property("frames-truncated").check(r -> {
      List<Field> in = fields.next(r);
      Frames.Builder b = Frames.builder();
      in.forEach(f -> b.add(f.tag(), f.value()));
      byte[] full = b.build().getBytes();
      return new Object[] {in, full.length == 0 ? full : java.util.Arrays.copyOf(full, r.nextInt(full.length))};
    }, pair -> {
      @SuppressWarnings("unchecked")
      List<Field> in = (List<Field>) pair[0];
      List<Frames.Field> back;
      try {
        back = Frames.parse(Buffer.buffer((byte[]) pair[1])).fields();
      } catch (IllegalArgumentException refused) {
        return;
      }
      // A cut exactly between two fields leaves a shorter valid body; nothing else may parse.
      assertTrue(back.size() < in.size() || in.isEmpty());
      for (int i = 0; i < back.size(); i++) {
        assertEquals(in.get(i).tag(), back.get(i).tag());
        assertArrayEquals(in.get(i).value(), back.get(i).value());
      }
    });
  }
}
