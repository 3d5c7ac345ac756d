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

  public static String cacheKey(String taskDigest) {
    return CACHE_KEY_PREFIX + taskDigest;
  }
}
