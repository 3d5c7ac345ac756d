package dev.vxcc.daemon.local;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The local API's own keys in the {@code "daemon"} section (kept apart from DaemonConfig, which
 * the other roles share).
 *
 * @param socket the Unix domain socket wrappers connect to; the daemon learns each caller's
 *     pid/uid/gid from it, so nothing a caller claims about itself is trusted
 * @param maxRequestBytes largest request body, checked on Content-Length before anything is
 *     buffered (a preprocessed translation unit is the largest legitimate body)
 * @param digestMaxBytes largest file /local/file_digest hashes
 * @param digestTimeoutMs /local/file_digest gives up after this long
 * @param digestThreads worker threads that hash for /local/file_digest (never the compile workers)
 * @param digestQueue requests that may wait for those threads; more get 503
 */
public record LocalApiConfig(Path socket, long maxRequestBytes, long digestMaxBytes, long digestTimeoutMs,
    int digestThreads, int digestQueue) {

  /** Root-owned, so no other user can squat the name before the daemon starts. */
  public static final String DEFAULT_SOCKET = "/run/vxcc/daemon.sock";

  public static LocalApiConfig fromNodeConfig(JsonObject nodeConfig) {
    JsonObject j = nodeConfig.getJsonObject(dev.vxcc.daemon.DaemonConfig.SECTION, new JsonObject());
    Path socket = Path.of(j.getString("localSocket", DEFAULT_SOCKET));
    if (!socket.isAbsolute() || socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
      throw new IllegalArgumentException("daemon.localSocket must be an absolute path of at most 107 bytes, not " + socket);
    }
    LocalApiConfig c = new LocalApiConfig(socket,
        j.getLong("localMaxRequestBytes", 64L << 20),
        j.getLong("fileDigestMaxBytes", 1L << 30),
        j.getLong("fileDigestTimeoutMs", 30_000L),
        j.getInteger("fileDigestThreads", 2),
        j.getInteger("fileDigestQueue", 16));
    if (c.maxRequestBytes < 1 << 20 || c.digestMaxBytes < 1 || c.digestTimeoutMs < 1 || c.digestThreads < 1 || c.digestQueue < 0) {
      throw new IllegalArgumentException("daemon.localMaxRequestBytes must be at least 1 MiB, the fileDigest* limits positive");
    }
    return c;
  }
}
