package dev.vxcc.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vxcc-node redeploy ROLE [-conf FILE_OR_JSON]}: asks the running node to replace a role's verticles. */
@Command(name = "redeploy", mixinStandardHelpOptions = true,
    description = "Replace a role's verticles on the running node (drained first), optionally with a new configuration.")
final class Redeploy implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ROLE", description = "scheduler, cache or daemon.")
  String role;

  @Option(names = "-conf", paramLabel = "FILE_OR_JSON", description = "Configuration merged over the node's running one, key by key (file or inline JSON). Default: none, the role restarts as it is.")
  String conf;

  @Option(names = "-admin-socket", paramLabel = "PATH", description = "The node's admin socket (default: as for run).")
  Path adminSocket;

  @Override
  public Integer call() {
    String body;
    try {
      body = conf == null ? "" : NodeConfig.user(conf).encode();
    } catch (IllegalArgumentException e) {
      System.err.println("vxcc-node redeploy: " + e.getMessage());
      return 2;
    }
    Path socket = adminSocket != null ? adminSocket : AdminEndpoint.defaultPath();
    try {
      String answer = post(socket, "/redeploy?role=" + URLEncoder.encode(role, StandardCharsets.UTF_8), body);
      int status = Integer.parseInt(answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4));
      String text = answer.substring(answer.indexOf("\r\n\r\n") + 4).trim();
      (status == 200 ? System.out : System.err).println("vxcc-node redeploy: " + text);
      return status == 200 ? 0 : 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("vxcc-node redeploy: cannot reach the node on " + socket + ": " + e.getMessage());
      return 1;
    }
  }

  /** One HTTP/1.0 exchange: the answer is read until the node closes the connection. */
  static String post(Path socket, String target, String body) throws IOException {
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + target + " HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + payload.length + "\r\n\r\n";
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.allocate(head.length() + payload.length);
      out.put(head.getBytes(StandardCharsets.US_ASCII)).put(payload).flip();
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        buf.flip();
        in.write(buf.array(), 0, buf.limit());
        buf.clear();
      }
      return in.toString(StandardCharsets.UTF_8);
    }
  }
}
