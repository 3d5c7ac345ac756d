package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxcc.common.wire.Frames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The shim's side of one compile, from this test process (so its pid, which stays alive, owns the
 * tasks): compile, "preprocess" with a text the test chooses, submit, long-poll until decided.
 * Blocking; one connection per request, as the shim does.
 */
final class Wrapper {
  private final UnixDomainSocketAddress socket;
  private final Path cwd;
  private final Path compiler;

  Wrapper(Path socket, Path cwd, Path compiler) {
    this.socket = UnixDomainSocketAddress.of(socket);
    this.cwd = cwd;
    this.compiler = compiler;
  }

  Frames post(String path, Frames.Builder fields) throws IOException {
    return Frames.parse(Buffer.buffer(call("POST", path, fields.build().getBytes())));
  }

  JsonObject stats() throws IOException {
    return new JsonObject(new String(call("GET", "/local/stats?format=json", new byte[0]), StandardCharsets.UTF_8));
  }

  private byte[] call(String method, String path, byte[] body) throws IOException {
    byte[] raw = LocalClientMain.exchange(socket, method, path, body);
    String head = new String(raw, StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    assertEquals("200", head.substring(9, 12), head);
    return Arrays.copyOfRange(raw, end + 4, raw.length);
  }

  static Frames.Builder compileRequest(Path cwd, Path compiler) {
    return Frames.builder().add("version", 1).add("cwd", cwd.toString()).add("tool", "gcc")
        .add("compiler", compiler.toString()).addAll("arg", List.of("-c", "a.c", "-o", "a.o"));
  }

  /** The daemon's first directive: "preprocess" once it knows a servant has our compiler. */
  Frames compile() throws IOException {
    return post("/local/compile", compileRequest(cwd, compiler));
  }

  static Frames.Builder submitRequest(String task, String source) {
    return Frames.builder().add("task", task).add("exit", 0).add("stderr", "").add("stdout", source);
  }

  /** Submits the preprocessed text and polls until the daemon decides: "result" or "local". */
  Frames finish(String task, String source) throws IOException {
    Frames d = post("/local/submit", submitRequest(task, source));
    while ("pending".equals(d.text("action"))) {
      d = post("/local/wait", Frames.builder().add("task", task));
    }
    return d;
  }

  /** The bytes the daemon tells the shim to write as the object. */
  static String object(Frames result) {
    assertEquals("result", result.text("action"), () -> "not a result: " + result.text("action") + " " + result.text("reason", ""));
    assertEquals(1, result.texts("file").size(), "one object");
    return new String(result.bytes("data"), StandardCharsets.UTF_8);
  }
}
