package dev.vxcc.daemon;

import dev.vxcc.common.util.Digests;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The identity of a compile: everything that decides its output and nothing else. Used for
 * cluster-wide sharing of running tasks and as the shared cache key. The delegate computes it
 * from what it sends; the servant recomputes it from what it actually compiled before storing a
 * result, so a client cannot file an object under someone else's key.
 */
public final class TaskDigest {
  private TaskDigest() {}

  /** Bump when anything that decides the output starts or stops being part of the digest. */
  public static final String VERSION = "vxcc-task-1";
  /** Prefix of cache keys made from task digests (the cache accepts short lowercase prefixes). */
  public static final String CACHE_KEY_PREFIX = "cxx1-";

  public static String of(String compilerDigest, List<String> args, String outputSuffix, String sourceDigest) {
    return Digests.hexOfParts(
        VERSION.getBytes(StandardCharsets.UTF_8),
        compilerDigest.getBytes(StandardCharsets.UTF_8),
        String.join("\0", args).getBytes(StandardCharsets.UTF_8),
        outputSuffix.getBytes(StandardCharsets.UTF_8),
        sourceDigest.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * With {@code inputPath} non-null the servant compiles the source as a file named like the
   * user's, in a directory mapped to the user's cwd (gcc -g): both then end up in the object.
   */
  public static String of(String compilerDigest, List<String> args, String outputSuffix, String sourceDigest,
      String inputPath, String clientCwd) {
    String base = of(compilerDigest, args, outputSuffix, sourceDigest);
    if (inputPath == null) {
      return base;
    }
    return Digests.hexOfParts(base.getBytes(StandardCharsets.UTF_8), "file-as-source".getBytes(StandardCharsets.UTF_8),
        inputPath.getBytes(StandardCharsets.UTF_8), clientCwd.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds what a file-as-source compile embeds besides the text (see {@link #of(String, List, String, String, String, String)}). */
  public static String withInput(String key, String inputPath, String clientCwd) {
    if (inputPath == null) {
      return key;
    }
    return Digests.hexOfParts(key.getBytes(StandardCharsets.UTF_8), "file-as-source".getBytes(StandardCharsets.UTF_8),
        inputPath.getBytes(StandardCharsets.UTF_8), clientCwd.getBytes(StandardCharsets.UTF_8));
  }

  public static String cacheKey(String taskDigest) {
    return CACHE_KEY_PREFIX + taskDigest;
  }
}
