import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import dev.vxcc.daemon.servant.SourceDirectives;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The CPU of each pass a remote task makes over its preprocessed text, one call at a time on one
 * thread, after a warm-up long enough for the JIT: what a task costs the daemons before any I/O.
 * Run by bench/scancost.sh against a distribution's jars (the same calls exist in earlier builds).
 */
public final class ScanCost {
  public static void main(String[] args) throws Exception {
    byte[] text = Files.readAllBytes(Path.of(args[0]));
    int rounds = Integer.parseInt(args[1]);
    Path cwd = Path.of(args[2]);
    // Package-private: the delegate's include list for direct mode.
    Method includes = Class.forName("dev.vxcc.daemon.local.IncludeScan").getDeclaredMethod("scan", byte[].class, Path.class);
    includes.setAccessible(true);
    TaskKeyBuilder.Request key = new TaskKeyBuilder.Request("compiler-digest", null, List.of("-O2", "-c"), ".o", text, "build.cc",
        CompilerFamily.GCC, List.of(), "", null, "", null);
    System.out.printf("# %d bytes of text, %d timed calls per row after as many warm-up calls%n", text.length, rounds);
    row("servant: directive check (SourceDirectives.problem)", rounds, () -> SourceDirectives.problem(text));
    row("both: task digest (TaskKeyBuilder.build)", rounds, () -> TaskKeyBuilder.build(key));
    row("client: direct-mode include list (IncludeScan.scan)", rounds, () -> includes.invoke(null, text, cwd));
    row("reference: SHA-256 of the text", rounds, () -> Digests.hex(text));
    row("reference: zstd at the wire level (" + Zstd.compress(text).length / 1024 + " KiB)", rounds, () -> Zstd.compress(text));
    // The wire level and context reuse, chosen by measurement (issue 12).
    for (int level : new int[] {3, -1, -3, -7}) {
      int size = com.github.luben.zstd.Zstd.compress(text, level).length;
      row("choice: zstd level " + level + " (" + size / 1024 + " KiB)", rounds, () -> com.github.luben.zstd.Zstd.compress(text, level));
    }
    try (com.github.luben.zstd.ZstdCompressCtx reused = new com.github.luben.zstd.ZstdCompressCtx()) {
      reused.setLevel(Zstd.WIRE_LEVEL);
      row("choice: zstd at the wire level, one context reused", rounds, () -> reused.compress(text));
    }
  }

  private static void row(String what, int rounds, Callable<?> call) throws Exception {
    for (int i = 0; i < rounds; i++) {
      call.call();
    }
    long[] ns = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      call.call();
      ns[i] = System.nanoTime() - t0;
    }
    Arrays.sort(ns);
    System.out.printf("  %-56s median %7.3f ms  p90 %7.3f ms%n", what, ns[rounds / 2] / 1e6, ns[rounds * 9 / 10] / 1e6);
  }
}
