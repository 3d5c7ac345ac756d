package dev.vxcc.daemon.local;

import dev.vxcc.common.wire.Frames;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** The answers the wrapper understands (wrapper/PROTOCOL.md). */
final class Directives {
  private Directives() {}

  static Buffer local(String reason, boolean quotaGranted, boolean light) {
    return local(reason, "", quotaGranted, light);
  }

  /** With a note for the wrapper's debug log (e.g. the diagnostic that sent it back here); "" = none. */
  static Buffer local(String reason, String note, boolean quotaGranted, boolean light) {
    Frames.Builder b = Frames.builder()
        .add("action", "local")
        .add("reason", reason)
        .add("quota", quotaGranted ? "granted" : "wait")
        .add("kind", light ? "light" : "heavy");
    if (!note.isEmpty()) {
      b.add("note", note);
    }
    return b.build();
  }

  static Buffer preprocess(String task, List<String> argv, boolean quotaGranted) {
    return Frames.builder()
        .add("action", "preprocess")
        .add("task", task)
        .add("quota", quotaGranted ? "granted" : "wait")
        .add("kind", "light")
        .addAll("arg", argv)
        .build();
  }

  static Buffer pending(String task) {
    return Frames.builder().add("action", "pending").add("task", task).build();
  }

  static Buffer fail(String reason) {
    return Frames.builder().add("action", "fail").add("reason", reason).build();
  }

  static Buffer granted(boolean granted) {
    return Frames.builder().add("action", granted ? "granted" : "wait").build();
  }

  record OutputFile(String path, byte[] data) {}

  /** note: where the result came from, for the wrapper's debug log. */
  static Buffer result(int exit, byte[] stdout, byte[] stderr, List<OutputFile> files, String note) {
    Frames.Builder b = Frames.builder().add("action", "result").add("exit", exit).add("note", note)
        .add("stdout", stdout).add("stderr", stderr);
    for (OutputFile f : files) {
      b.add("file", f.path()).add("data", f.data());
    }
    return b.build();
  }
}
