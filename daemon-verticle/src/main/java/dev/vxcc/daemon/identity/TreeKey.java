package dev.vxcc.daemon.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The key of a source-tree compile: SHA-256 over the compiler's identity, the working directory,
 * SOURCE_DATE_EPOCH, the argument vector in order, the outputs, the locale and the (path, content
 * digest, executable) list sorted by path. Everything the servant's compile can see is in it, at
 * the user's absolute paths, so a result stored under it is that exact compile's, stderr included.
 *
 * <p>The delegate computes it from what it read, the servant from what it compiled: each field
 * the servant checked (blobs by digest, system files by digest, the compile's own dependency list
 * equal to the file list), so a client cannot make the servant store under someone else's key.
 */
public final class TreeKey {
  /** Cache keys of source-tree results; manifests may point at them. */
  public static final String CACHE_PREFIX = "tree1-";

  /** One input as the compile names it. */
  public record File(String path, String digest, boolean executable) {}

  private TreeKey() {}

  public static String of(String compilerDigest, String cwd, String sourceDateEpoch, List<String> argv, List<String> outputs,
      List<String> locale, List<File> files) {
    List<String> parts = new ArrayList<>(List.of("vxcc-source-tree-1", compilerDigest, cwd, sourceDateEpoch,
        Integer.toString(argv.size())));
    parts.addAll(argv);
    parts.add(Integer.toString(outputs.size()));
    parts.addAll(outputs);
    parts.add(Integer.toString(locale.size()));
    parts.addAll(locale);
    files.stream().sorted(Comparator.comparing(File::path))
        .forEach(f -> parts.addAll(List.of(f.path(), f.digest(), f.executable() ? "x" : "-")));
    MessageDigest key = sha256();
    for (String p : parts) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      key.update(ByteBuffer.allocate(8).putLong(b.length).flip());
      key.update(b);
    }
    return HexFormat.of().formatHex(key.digest());
  }

  /**
   * The key of a compile that ran as one user on that user's own files (depend mode): trusted by
   * that user alone, so no other user's key is ever equal to it.
   */
  public static String owned(String treeKey, int uid) {
    MessageDigest key = sha256();
    key.update(("vxcc-host-owner-1\0" + uid + "\0" + treeKey).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(key.digest());
  }

  public static String cacheKey(String treeKey) {
    return CACHE_PREFIX + treeKey;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
