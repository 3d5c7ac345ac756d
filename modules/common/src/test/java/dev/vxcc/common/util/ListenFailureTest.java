package dev.vxcc.common.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import org.junit.jupiter.api.Test;

class ListenFailureTest {
  @Test
  void anAddressInUseSaysWhichServerWhereAndWhatToChange() {
    // Netty's native transport reports it as a plain IOException with the errno text.
    Throwable netty = new IOException("bind(..) failed: Address already in use");
    assertEquals("cache gRPC endpoint cannot listen on 0.0.0.0:8337: address already in use (another vxcc-node running?"
        + " stop it, or set cache.port to another value)", ListenFailure.of("cache gRPC endpoint", "0.0.0.0:8337", "cache.port", netty).getMessage());
    assertTrue(ListenFailure.inUse(new RuntimeException("wrapped", new BindException("in use"))));
  }

  @Test
  void otherFailuresKeepTheirCauseAndStillNameTheSetting() {
    Throwable denied = new IOException("bind(..) failed: Permission denied");
    assertFalse(ListenFailure.inUse(denied));
    assertEquals("servant gRPC endpoint cannot listen on 10.0.0.1:80 (daemon.servingPort): bind(..) failed: Permission denied",
        ListenFailure.of("servant gRPC endpoint", "10.0.0.1:80", "daemon.servingPort", denied).getMessage());
  }
}
