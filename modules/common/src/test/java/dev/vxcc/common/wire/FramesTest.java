package dev.vxcc.common.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {
  @Test
  void roundTripKeepsOrderRepeatsAndBinaryValues() {
    byte[] binary = {0, 10, 32, (byte) 255, '\n'};
    Buffer body = Frames.builder().add("action", "result").add("arg", "-c").add("arg", "a b\nc").add("data", binary).build();
    Frames f = Frames.parse(body);
    assertEquals("result", f.text("action"));
    assertEquals(List.of("-c", "a b\nc"), f.texts("arg"));
    assertArrayEquals(binary, f.bytes("data"));
  }

  @Test
  void truncatedOrGarbageBodiesAreRejectedWithAClearError() {
    assertThrows(IllegalArgumentException.class, () -> Frames.parse(Buffer.buffer("arg 10\nshort")));
    assertThrows(IllegalArgumentException.class, () -> Frames.parse(Buffer.buffer("no-space-here")));
    assertThrows(IllegalArgumentException.class, () -> Frames.parse(Buffer.buffer("arg x\n")));
    assertThrows(IllegalArgumentException.class, () -> Frames.parse(Buffer.buffer("arg -1\n")));
  }

  @Test
  void aLengthThatWouldOverflowTheEndOffsetIsAnOverrun() {
    // Found by FramesFuzzTest: header end + length wrapped below the body size.
    for (String len : List.of("9223372036854775807", "9223372036854775790", "2147483648")) {
      var e = assertThrows(IllegalArgumentException.class, () -> Frames.parse(Buffer.buffer("t " + len + "\nabc")));
      assertEquals("field 't' overruns the body", e.getMessage());
    }
  }

  @Test
  void missingFieldNamesTheField() {
    var e = assertThrows(IllegalArgumentException.class, () -> Frames.parse(Buffer.buffer("")).text("pid"));
    assertEquals("missing field 'pid'", e.getMessage());
  }
}
