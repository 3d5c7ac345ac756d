package dev.vxcc.daemon.local;

import dev.vxcc.common.wire.Frames;
import io.vertx.core.buffer.Buffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/** A {@link LocalClientMain} process: one caller of the local API with a pid of its own. */
final class LocalClient implements AutoCloseable {
  record Reply(int status, Buffer body) {
    Frames frames() {
      return Frames.parse(body);
    }

    String text() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  private final Process process;
  private final BufferedReader out;
  private final PrintStream in;
  final long pid;

  LocalClient(Path socket) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), LocalClientMain.class.getName(), socket.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String ready = out.readLine();
    if (ready == null || !ready.startsWith("ready ")) {
      throw new IOException("client did not start: " + ready);
    }
    pid = Long.parseLong(ready.substring(6));
  }

  Reply call(String method, String path, Buffer body) throws IOException {
    in.println(method + " " + path + " " + (body.length() == 0 ? "-" : HexFormat.of().formatHex(body.getBytes())));
    String line = out.readLine();
    if (line == null) {
      throw new IOException("client exited");
    }
    String[] p = line.split(" ");
    return new Reply(Integer.parseInt(p[0]), p[1].equals("-") ? Buffer.buffer() : Buffer.buffer(HexFormat.of().parseHex(p[1])));
  }

  Reply post(String path, Frames.Builder fields) throws IOException {
    return call("POST", path, fields.build());
  }

  /** Kills the process and waits until it is gone (the daemon then sees it dead). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
