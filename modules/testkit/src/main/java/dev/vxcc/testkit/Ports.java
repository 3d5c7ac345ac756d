package dev.vxcc.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports, for servers (Hazelcast) that must know their port before they start.
 * Chosen below Linux's ephemeral range (32768+): the outgoing connections of a build (one per
 * compile) draw from that range and could take a port between this check and the real bind.
 */
public final class Ports {
  private Ports() {}

  public static int free() throws IOException {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new IOException("no free port in 20000-32000 on loopback");
  }
}
