package dev.vxcc.daemon.local;

import dev.vxcc.common.util.FileDigestCache;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code /local/file_digest}: the SHA-256 the daemon would use for a file, for a caller that may
 * read that file itself. Only regular files (a FIFO would block a thread, a device never ends),
 * bounded in size and time, on its own small pool with a bounded queue so that hostile callers
 * can slow only this endpoint, never compiles. Read-only: callers cannot put digests in the cache.
 * Confined to the event loop, except the hashing itself.
 */
final class FileDigestService {
  private final Vertx vertx;
  private final LocalApiConfig cfg;
  private final FileDigestCache cache;
  private final WorkerExecutor pool;
  /** Requests on the pool or waiting for it, including ones whose caller has timed out. */
  private int admitted;

  FileDigestService(Vertx vertx, LocalApiConfig cfg, FileDigestCache cache) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.cache = cache;
    this.pool = vertx.createSharedWorkerExecutor("vxcc-file-digest", cfg.digestThreads());
  }

  Future<String> digest(PeerIdentity peer, String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      return Future.failedFuture(new Refusal(400, "path must be absolute: " + path));
    }
    if (admitted >= cfg.digestThreads() + cfg.digestQueue()) {
      return Future.failedFuture(new Refusal(503, "too many file_digest requests in progress; try again later"));
    }
    admitted++;
    long deadline = System.nanoTime() + cfg.digestTimeoutMs() * 1_000_000L;
    Promise<String> answer = Promise.promise();
    long timer = vertx.setTimer(cfg.digestTimeoutMs(),
        t -> answer.tryFail(new Refusal(503, "file_digest took longer than " + cfg.digestTimeoutMs() + " ms")));
    pool.executeBlocking(() -> hash(FileAccess.of(peer), p, deadline), false).onComplete(ar -> {
      admitted--;
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause() instanceof NoSuchFileException ? new Refusal(404, "no such file: " + path)
            : ar.cause() instanceof Refusal ? ar.cause() : new Refusal(400, "cannot read " + path + ": " + ar.cause().getMessage()));
      }
    });
    return answer.future();
  }

  private String hash(FileAccess access, Path requested, long deadline) throws IOException {
    Path real = access.readable(requested);
    BasicFileAttributes before = regular(real, requested);
    FileDigestCache.Key key = new FileDigestCache.Key(real.toString(), before.size(), before.lastModifiedTime().toMillis());
    var cached = cache.get(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    MessageDigest sha = sha256();
    // NOFOLLOW: the path was resolved above; a link swapped in since must not redirect the read.
    try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long total = 0;
      while (ch.read(buf) >= 0) {
        total += buf.position();
        if (total > cfg.digestMaxBytes()) {
          throw new Refusal(413, "file is larger than " + cfg.digestMaxBytes() + " bytes: " + requested);
        }
        if (System.nanoTime() > deadline) {
          throw new Refusal(503, "file_digest took longer than " + cfg.digestTimeoutMs() + " ms");
        }
        sha.update(buf.flip());
        buf.clear();
      }
    }
    // What was read must be the file that was checked, unchanged: else the answer means nothing.
    BasicFileAttributes after = regular(real, requested);
    if (!java.util.Objects.equals(before.fileKey(), after.fileKey()) || before.size() != after.size()
        || !before.lastModifiedTime().equals(after.lastModifiedTime())) {
      throw new Refusal(409, "file changed while it was read: " + requested);
    }
    String hex = HexFormat.of().formatHex(sha.digest());
    cache.put(key, hex);
    return hex;
  }

  private BasicFileAttributes regular(Path real, Path requested) throws IOException {
    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new Refusal(400, "not a regular file: " + requested);
    }
    if (a.size() > cfg.digestMaxBytes()) {
      throw new Refusal(413, "file is larger than " + cfg.digestMaxBytes() + " bytes: " + requested);
    }
    return a;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  void close() {
    pool.close();
  }
}
