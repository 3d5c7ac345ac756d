package dev.vxcc.daemon.identity;

import dev.vxcc.daemon.DaemonConstants;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The servant's view of a preprocessed text with all macros expanded: the remote arguments with
 * {@code -E} instead of {@code -c}/{@code -S}, reading stdin, so that #if branches and macro
 * definitions are exactly the ones the compile will use. A {@link TaskKey.Expander} for CompileFlow.
 */
public final class Expansion {
  private static final long TIMEOUT_SECONDS = DaemonConstants.COMPILER_EXPANSION_TIMEOUT_SECONDS;

  private Expansion() {}

  /** Blocking. Throws when the compiler fails; TaskKey then keeps the paths as they are. */
  public static byte[] run(Path compiler, List<String> remoteArgs, byte[] text) throws IOException, InterruptedException {
    return run(List.of(), compiler, remoteArgs, text, Integer.MAX_VALUE - 64);
  }

  /**
   * The servant's form: {@code prefix} confines the compiler (it runs a stranger's source), and
   * an expansion longer than {@code maxBytes} fails instead of filling the heap.
   */
  public static byte[] run(List<String> prefix, Path compiler, List<String> remoteArgs, byte[] text, long maxBytes)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(compiler.toString());
    for (String a : remoteArgs) {
      if (!a.equals("-c") && !a.equals("-S")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-E", "-"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = pb.environment();
    String path = env.getOrDefault("PATH", "/usr/bin:/bin");
    env.clear();
    env.put("PATH", path);
    env.put("LC_ALL", "C");
    Process p = pb.start();
    // The output is read to its end before the exit is awaited, so the timeout must kill rather
    // than wait: otherwise a compiler that hangs holds this worker thread for good.
    AtomicBoolean timedOut = new AtomicBoolean();
    p.onExit().orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).exceptionally(e -> {
      timedOut.set(true);
      p.destroyForcibly();
      return p;
    });
    Thread writer = Thread.ofPlatform().daemon().start(() -> {
      try (var os = p.getOutputStream()) {
        os.write(text);
      } catch (IOException e) {
        // A compiler that stops reading fails, and its exit code says so.
      }
    });
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 64));
    }
    if (out.length > maxBytes) {
      p.destroyForcibly();
      throw new IOException("expansion longer than " + maxBytes + " bytes");
    }
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || timedOut.get()) {
      p.destroyForcibly();
      throw new IOException("expansion timed out");
    }
    writer.join();
    if (p.exitValue() != 0) {
      throw new IOException("expansion failed with exit code " + p.exitValue());
    }
    return out;
  }
}
