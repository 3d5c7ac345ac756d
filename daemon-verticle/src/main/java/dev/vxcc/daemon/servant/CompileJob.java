package dev.vxcc.daemon.servant;

import dev.vxcc.api.v1.WaitTaskResponse;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One task in the execution engine. Mutated only on the servant verticle's event loop. */
final class CompileJob {
  /** Stands for the job directory in everything a delegate sees. */
  static final String JOB_PLACEHOLDER = "<servant-job>";

  final long id;
  final long grantId;
  final String taskDigest;
  final Path workDir;
  final long startedAt;
  int references = 1;
  Process process;
  WaitTaskResponse result;
  long finishedAt;
  boolean killed;
  /** Source bytes reserved against the servant's in-flight budget until the job finishes. */
  long reservedBytes;
  /** The decompressed text, from the compiler's start until the cache fill takes it; null otherwise. */
  byte[] source;
  /** For this machine's own delegate (admitted by its quota): not offered to other delegates to join. */
  boolean inPlace;
  /** Phase marks (System.nanoTime-style, from the engine's PhaseTimes) reported back to the delegate. */
  long startedNanos;
  long queueMicros;
  long compileMicros;
  /** Servant paths to hide in stdout/stderr, most specific first, and what each becomes if not the placeholder. */
  final List<String> scrub = new ArrayList<>();
  final Map<String, String> scrubTo = new HashMap<>();
  /** Source-tree tasks only: the namespace and what to collect from it. */
  SourceTree.Prepared tree;
  final List<Promise<Void>> waiters = new ArrayList<>();

  CompileJob(long id, long grantId, String taskDigest, Path workDir, long startedAt) {
    this.id = id;
    this.grantId = grantId;
    this.taskDigest = taskDigest;
    this.workDir = workDir;
    this.startedAt = startedAt;
  }

  boolean done() {
    return result != null;
  }

  /** Marks the job killed; the compiler still to destroy with {@link #destroyTree}, or null. Cheap. */
  Process markKilled() {
    killed = true;
    Process p = process;
    return p != null && p.isAlive() ? p : null;
  }

  /** Blocking: finding the children reads /proc. */
  static void destroyTree(Process p) {
    // The driver forks cc1plus and as: kill them too, or they keep the CPU after we gave up.
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** Output as the delegate may see it: client paths where we know them, else a placeholder. */
  byte[] hidePaths(byte[] text) {
    if (scrub.isEmpty()) {
      return text;
    }
    String s = new String(text, StandardCharsets.ISO_8859_1);
    String before = s;
    for (String p : scrub) {
      String target = scrubTo.getOrDefault(p, JOB_PLACEHOLDER);
      s = s.replace(latin1(p), latin1(target));
    }
    return s.equals(before) ? text : s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Byte-for-byte, so that output in any encoding survives the replacement. */
  private static String latin1(String utf8) {
    return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
