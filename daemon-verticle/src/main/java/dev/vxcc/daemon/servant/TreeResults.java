package dev.vxcc.daemon.servant;

import dev.vxcc.api.v1.CompileResult;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.identity.TreeKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a source-tree compile leaves in the shared cache: a successful result with its stdout and
 * stderr (warnings with their snippets are the user's own, at the user's paths, so they replay
 * exactly), under the {@link TreeKey} of what this servant compiled. Not stored when a file it
 * read names a clock macro the key cannot pin down, or when a file can no longer be read here.
 */
final class TreeResults {
  private final BlobStore blobs;
  private final FileDigestCache hostDigests;
  private final ClockMacros clocks;

  TreeResults(BlobStore blobs, FileDigestCache hostDigests, ClockMacros clocks) {
    this.blobs = blobs;
    this.hostDigests = hostDigests;
    this.clocks = clocks;
  }

  /** Blocking: the cache key and entry, or empty with nothing to store. */
  Optional<Map.Entry<String, byte[]>> entry(ServantJob job, WaitTaskResponse result) throws IOException {
    TreeTask t = job.tree();
    if (t == null || result.getExitCode() != 0 || result.getStatus() != dev.vxcc.api.v1.TaskStatus.TASK_STATUS_DONE) {
      return Optional.empty();
    }
    int flags = 0;
    for (TreeTask.File f : t.files()) {
      Optional<Path> bytes = where(f);
      if (bytes.isEmpty()) {
        return Optional.empty();
      }
      flags |= clocks.of(f.digest(), bytes.get());
    }
    if (!ClockMacros.repeatable(flags, job.sourceDateEpoch())) {
      return Optional.empty();
    }
    String key = TreeKey.of(job.compilerDigest(), t.cwd(), job.sourceDateEpoch(), t.argv(), t.outputs(), t.env(),
        t.files().stream().map(f -> new TreeKey.File(f.path(), f.digest(), f.executable())).toList());
    CompileResult entry = CompileResult.newBuilder()
        .setExitCode(0)
        .setStdout(com.google.protobuf.ByteString.copyFrom(Zstd.decompress(result.getStdoutZstd().toByteArray())))
        .setStderr(com.google.protobuf.ByteString.copyFrom(Zstd.decompress(result.getStderrZstd().toByteArray())))
        .addAllFiles(result.getFilesList())
        .build();
    return Optional.of(Map.entry(TreeKey.cacheKey(key), entry.toByteArray()));
  }

  /** The file's bytes on this servant with the digest the task named: its blob, else the system file checked at prepare. */
  private Optional<Path> where(TreeTask.File f) throws IOException {
    Optional<Path> blob = blobs.path(f.digest());
    if (blob.isPresent()) {
      return blob;
    }
    Path host = Path.of(f.path());
    return Files.isRegularFile(host) && hostDigests.digestOf(host).equals(f.digest()) ? Optional.of(host) : Optional.empty();
  }
}
