package dev.vxcc.daemon.local;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A separate process that talks to the local API the way the shim does (one connection per
 * request), so tests have callers with their own pids. Reads {@code METHOD PATH HEXBODY} lines
 * ({@code -} for no body) and prints {@code STATUS HEXBODY} for each.
 */
public final class LocalClientMain {
  public static void main(String[] args) throws IOException {
    UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(args[0]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("ready " + ProcessHandle.current().pid());
    System.out.flush();
    for (String line; (line = in.readLine()) != null; ) {
      String[] p = line.split(" ");
      byte[] body = p[2].equals("-") ? new byte[0] : HexFormat.of().parseHex(p[2]);
      byte[] raw = exchange(socket, p[0], p[1], body);
      String text = new String(raw, StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      int status = Integer.parseInt(text.substring(9, 12));
      byte[] reply = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
      System.out.println(status + " " + (reply.length == 0 ? "-" : HexFormat.of().formatHex(reply)));
      System.out.flush();
    }
  }

  static byte[] exchange(UnixDomainSocketAddress socket, String method, String path, byte[] body) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(socket);
      String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
          + (method.equals("GET") ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
      ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
      ch.write(ByteBuffer.wrap(body));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      while (ch.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      return out.toByteArray();
    }
  }
}
