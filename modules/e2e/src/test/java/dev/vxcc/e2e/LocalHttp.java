package dev.vxcc.e2e;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * HTTP/1.1 on a daemon's Unix socket written by hand, as any local process could: a claimed
 * Content-Length need not match what is sent.
 */
final class LocalHttp {
  private LocalHttp() {}

  /** Status line and body of one request; the connection is closed after it. */
  record Reply(int status, String text) {}

  static Reply call(Path socket, String method, String path, Buffer body) throws IOException {
    return send(socket, method, path, body.length(), body.getBytes());
  }

  /** Declares {@code claimedLength} bytes but sends only {@code sent}, then waits for the answer. */
  static Reply send(Path socket, String method, String path, long claimedLength, byte[] sent) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: " + claimedLength + "\r\n\r\n";
      ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
      ch.write(ByteBuffer.wrap(sent));
      // The daemon answers and closes (Connection: close, or it refuses to read the rest).
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      StringBuilder all = new StringBuilder();
      while (ch.read(buf) >= 0) {
        buf.flip();
        all.append(StandardCharsets.ISO_8859_1.decode(buf));
        buf.clear();
        int headEnd = all.indexOf("\r\n\r\n");
        if (headEnd > 0 && complete(all, headEnd)) {
          break;
        }
      }
      String answer = all.toString();
      if (!answer.startsWith("HTTP/1.1 ")) {
        throw new IOException("no HTTP answer: '" + answer + "'");
      }
      int headEnd = answer.indexOf("\r\n\r\n");
      return new Reply(Integer.parseInt(answer.substring(9, 12)), headEnd < 0 ? "" : answer.substring(headEnd + 4));
    }
  }

  private static boolean complete(StringBuilder all, int headEnd) {
    String head = all.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT);
    int at = head.indexOf("content-length:");
    if (at < 0) {
      return false;
    }
    int eol = head.indexOf("\r\n", at);
    long len = Long.parseLong(head.substring(at + 15, eol < 0 ? head.length() : eol).trim());
    return all.length() - headEnd - 4 >= len;
  }
}
