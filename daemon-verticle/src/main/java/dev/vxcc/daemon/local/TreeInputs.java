package dev.vxcc.daemon.local;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.args.MakeRule;
import dev.vxcc.daemon.identity.TreeKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A source-tree task's inputs on the delegate: every file the dependency-only run listed, read
 * and hashed with the caller's permissions (as {@code /local/file_digest} does, through the same
 * digest cache), so the daemon never sends a file its caller could not read.
 *
 * <p>Its key ({@link TreeKey}) is also the task digest, by which identical tasks share one remote
 * run, and the cache key of the result.
 */
record TreeInputs(List<String> argv, String cwd, List<Input> files, List<String> outputs, List<String> locale, String key) {
  /** One file: as the compile names it, where it really is, and its content digest. */
  record Input(String path, Path real, String digest, boolean executable, long size) {}

  /** Blocking. @throws Refusal when a file is unreadable to the caller, not regular, or too large */
  static TreeInputs read(Decision.Remote d, byte[] depRule, FileAccess access, FileDigestCache cache, long maxFileBytes,
                         String compilerDigest, String sourceDateEpoch, List<String> locale) throws IOException {
    Path cwd = Path.of(d.clientCwd());
    TreeMap<String, Input> files = new TreeMap<>();
    for (String dep : MakeRule.prerequisites(new String(depRule, StandardCharsets.ISO_8859_1))) {
      String path = cwd.resolve(dep).normalize().toString();
      if (!files.containsKey(path)) {
        files.put(path, hash(access, cache, Path.of(path), maxFileBytes));
      }
    }
    String key = TreeKey.of(compilerDigest, d.clientCwd(), sourceDateEpoch, d.remoteArgs(), d.extraOutputs(), locale,
        files.values().stream().map(f -> new TreeKey.File(f.path(), f.digest(), f.executable())).toList());
    return new TreeInputs(d.remoteArgs(), d.clientCwd(), List.copyOf(files.values()), d.extraOutputs(), List.copyOf(locale), key);
  }

  private static Input hash(FileAccess access, FileDigestCache cache, Path requested, long maxBytes) throws IOException {
    Path real = access.readable(requested);
    BasicFileAttributes before = regular(real, requested, maxBytes);
    boolean exec = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
    FileDigestCache.Key k = new FileDigestCache.Key(real.toString(), before.size(), before.lastModifiedTime().toMillis());
    var cached = cache.get(k);
    if (cached.isPresent()) {
      return new Input(requested.toString(), real, cached.get(), exec, before.size());
    }
    MessageDigest sha = sha256();
    try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long total = 0;
      while (ch.read(buf) >= 0) {
        total += buf.position();
        if (total > maxBytes) {
          throw new Refusal(413, "file is larger than " + maxBytes + " bytes: " + requested);
        }
        sha.update(buf.flip());
        buf.clear();
      }
    }
    BasicFileAttributes after = regular(real, requested, maxBytes);
    if (!Objects.equals(before.fileKey(), after.fileKey()) || before.size() != after.size()
        || !before.lastModifiedTime().equals(after.lastModifiedTime())) {
      throw new Refusal(409, "file changed while it was read: " + requested);
    }
    String hex = HexFormat.of().formatHex(sha.digest());
    cache.put(k, hex);
    return new Input(requested.toString(), real, hex, exec, before.size());
  }

  /** Blocking: the file's bytes, provided they still have the digest the key was built from. */
  static byte[] contents(Input f) throws IOException {
    byte[] data = Files.readAllBytes(f.real());
    if (!HexFormat.of().formatHex(sha256().digest(data)).equals(f.digest())) {
      throw new Refusal(409, "file changed since it was hashed: " + f.path());
    }
    return data;
  }

  private static BasicFileAttributes regular(Path real, Path requested, long maxBytes) throws IOException {
    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new Refusal(400, "not a regular file: " + requested);
    }
    if (a.size() > maxBytes) {
      throw new Refusal(413, "file is larger than " + maxBytes + " bytes: " + requested);
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
}
