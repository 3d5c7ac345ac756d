package dev.vxcc.daemon.local;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.AbsentGroup;
import dev.vxcc.api.v1.IncludedFile;
import dev.vxcc.api.v1.Manifest;
import dev.vxcc.api.v1.ManifestEntry;
import dev.vxcc.common.util.Digests;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.identity.TaskKeyBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The pure part of direct mode: manifest keys, what an entry must satisfy to be used, and how a
 * manifest grows. Manifests come from the shared cache, so every field is validated and any
 * doubt is a miss.
 */
final class DirectManifests {
  static final String KEY_PREFIX = "manifest2-";
  /** Stands for the base dir in stored paths and dependency files. */
  static final String BASE_MARK = "\0BASE\0";
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  /** Results of the preprocessed-text path and of source trees. */
  private static final Pattern RESULT_KEY = Pattern.compile("(?:" + Pattern.quote(TaskKeyBuilder.CACHE_KEY_PREFIX) + "|"
      + Pattern.quote(dev.vxcc.daemon.identity.TreeKey.CACHE_PREFIX) + ")[0-9a-f]{64}");

  private DirectManifests() {}

  /** What the daemon may see of the caller's files: blocking, and with the caller's permissions. */
  interface Files {
    /** SHA-256 hex of a regular file the caller may read; throws when it may not or it is gone. */
    String digest(Path p) throws IOException;

    /** Whether anything is there, as far as anyone can tell (doubt counts as present). */
    boolean present(Path p);

    /** {@link #present(Path)} of dir/name: a normalised absolute dir and plain relative components. */
    default boolean present(String dir, String name) {
      return present(Path.of(dir, name));
    }
  }

  /**
   * Everything a compile's result may depend on apart from the files it includes: the compiler,
   * its arguments and directory and the environment the wrapper passed (paths under the base
   * dir spelled relative to it), and the source's content.
   */
  static String key(String compilerDigest, List<String> args, Path cwd, Map<String, String> env, String baseDir, String sourceDigest) {
    List<byte[]> parts = new ArrayList<>();
    parts.add(ascii("direct/1"));
    parts.add(ascii(compilerDigest));
    parts.add(utf8(normalise(cwd.toString(), baseDir)));
    parts.add(ascii("args " + args.size()));
    for (String a : args) {
      parts.add(utf8(normalise(a, baseDir)));
    }
    // The daemon's own settings are its business; the rest can change what the compiler prints.
    new TreeMap<>(env).forEach((k, v) -> {
      if (!k.startsWith("VXCC_")) {
        parts.add(utf8(k + "=" + normalise(v, baseDir)));
      }
    });
    parts.add(ascii(sourceDigest));
    return KEY_PREFIX + Digests.hexOfParts(parts.toArray(byte[][]::new));
  }

  /** Each occurrence of the base dir as a whole path prefix replaced by {@link #BASE_MARK}. */
  static String normalise(String s, String baseDir) {
    if (baseDir.isEmpty() || !s.contains(baseDir)) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int at = s.indexOf(baseDir); at >= 0; at = s.indexOf(baseDir, at + 1)) {
      int after = at + baseDir.length();
      if (after == s.length() || s.charAt(after) == '/') {
        out.append(s, from, at).append(BASE_MARK);
        from = after;
        at = after - 1;
      }
    }
    return out.append(s.substring(from)).toString();
  }

  static String denormalise(String s, String baseDir) {
    return s.replace(BASE_MARK, baseDir);
  }

  static Manifest parse(byte[] bytes) {
    if (bytes.length > DaemonConstants.MANIFEST_MAX_BYTES) {
      throw new IllegalArgumentException("manifest larger than " + DaemonConstants.MANIFEST_MAX_BYTES + " bytes");
    }
    Manifest m;
    try {
      m = Manifest.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("manifest does not parse: " + e.getMessage());
    }
    if (m.getEntriesCount() > DaemonConstants.MANIFEST_MAX_ENTRIES) {
      throw new IllegalArgumentException("manifest has too many entries");
    }
    for (ManifestEntry e : m.getEntriesList()) {
      String bad = problem(e);
      if (bad != null) {
        throw new IllegalArgumentException("invalid manifest entry: " + bad);
      }
    }
    return m;
  }

  private static String problem(ManifestEntry e) {
    if (!RESULT_KEY.matcher(e.getResultKey()).matches()) {
      return "result key";
    }
    long grouped = e.getAbsentGroupsList().stream().mapToLong(AbsentGroup::getNamesCount).sum();
    if (e.getIncludesCount() + e.getAbsentCount() + grouped > DaemonConstants.MANIFEST_MAX_PATHS) {
      return "too many paths";
    }
    for (IncludedFile f : e.getIncludesList()) {
      if (!DIGEST.matcher(f.getDigest()).matches() || pathProblem(f)) {
        return "include " + f.getPath();
      }
    }
    for (IncludedFile f : e.getAbsentList()) {
      if (!f.getDigest().isEmpty() || pathProblem(f)) {
        return "absent " + f.getPath();
      }
    }
    for (IncludedFile d : e.getAbsentDirsList()) {
      boolean baseItself = d.getBaseRelative() && d.getPath().isEmpty();
      if (!d.getDigest().isEmpty() || !baseItself && pathProblem(d)) {
        return "absent dir " + d.getPath();
      }
    }
    for (String n : e.getAbsentNamesList()) {
      // normalised() refuses "." and ".." anywhere, so a name cannot climb out of its directory.
      if (n.isEmpty() || n.startsWith("/") || n.indexOf('\0') >= 0 || !normalised(n)) {
        return "absent name " + n;
      }
    }
    for (AbsentGroup g : e.getAbsentGroupsList()) {
      // uint32 arrives as a Java int: an index of 2^31 or more reads as negative.
      if (g.getDir() < 0 || g.getDir() >= e.getAbsentDirsCount()
          || g.getNamesList().stream().anyMatch(n -> n < 0 || n >= e.getAbsentNamesCount())) {
        return "absent group out of range";
      }
    }
    return null;
  }

  private static boolean pathProblem(IncludedFile f) {
    String p = f.getPath();
    if (p.isEmpty() || p.indexOf('\0') >= 0) {
      return true;
    }
    return f.getBaseRelative() ? p.startsWith("/") || !normalised(p) || p.startsWith("..") : !p.startsWith("/") || !normalised(p);
  }

  /**
   * Whether the path is spelled as {@code Path.of(p).normalize()} would spell it: no empty, "." or
   * ".." part and no trailing slash (nor a leading "..", which that keeps). On strings, because a manifest holds thousands of paths and
   * every hit validates them all.
   */
  static boolean normalised(String p) {
    if (p.equals("/")) {
      return true;
    }
    int from = p.startsWith("/") ? 1 : 0;
    while (true) {
      int end = p.indexOf('/', from);
      int len = (end < 0 ? p.length() : end) - from;
      if (len == 0 || len == 1 && p.charAt(from) == '.' || len == 2 && p.charAt(from) == '.' && p.charAt(from + 1) == '.') {
        return false;
      }
      if (end < 0) {
        return true;
      }
      from = end + 1;
    }
  }

  static Path resolve(IncludedFile f, String baseDir) {
    return f.getBaseRelative() ? Path.of(baseDir).resolve(f.getPath()) : Path.of(f.getPath());
  }

  /** An absent_dirs entry as a normalised absolute path string (a base-relative "" is the base dir). */
  static String dir(IncludedFile d, String base) {
    if (!d.getBaseRelative()) {
      return d.getPath();
    }
    return d.getPath().isEmpty() ? base : AbsentPaths.join(base, d.getPath());
  }

  /**
   * {@link #file} for an absent path, given as a normalised absolute string: a recording keeps
   * thousands of them and need not make a path object for each.
   *
   * @param base {@code Path.of(baseDir).toString()}, or "" when baseDir is empty
   */
  static IncludedFile absent(String path, String baseDir, String base) {
    IncludedFile.Builder b = IncludedFile.newBuilder().setDigest("");
    if (!base.isEmpty()) {
      String prefix = base.endsWith("/") ? base : base + "/";
      boolean under = path.equals(base) || path.startsWith(prefix);
      if (under && !path.equals(baseDir)) {
        return b.setPath(path.equals(base) ? "" : path.substring(prefix.length())).setBaseRelative(true).build();
      }
    }
    return b.setPath(path).build();
  }

  static IncludedFile file(Path p, String digest, String baseDir) {
    IncludedFile.Builder b = IncludedFile.newBuilder().setDigest(digest);
    if (!baseDir.isEmpty() && p.startsWith(baseDir) && !p.toString().equals(baseDir)) {
      return b.setPath(Path.of(baseDir).relativize(p).toString()).setBaseRelative(true).build();
    }
    return b.setPath(p.toString()).build();
  }

  /**
   * The first entry whose every include still has its digest and whose every shadowing place is
   * still empty; newest entries are tried first, since a tree usually moves forward.
   */
  static Optional<ManifestEntry> match(Manifest m, String baseDir, Files files) {
    List<ManifestEntry> entries = m.getEntriesList();
    for (int i = entries.size() - 1; i >= 0; i--) {
      ManifestEntry e = entries.get(i);
      if (!e.getBaseDir().isEmpty() && !e.getBaseDir().equals(baseDir)) {
        continue;
      }
      if (baseDir.isEmpty() && (e.getDepFile().toString(StandardCharsets.ISO_8859_1).indexOf('\0') >= 0
          || e.getIncludesList().stream().anyMatch(IncludedFile::getBaseRelative)
          || e.getAbsentList().stream().anyMatch(IncludedFile::getBaseRelative)
          || e.getAbsentDirsList().stream().anyMatch(IncludedFile::getBaseRelative))) {
        continue;
      }
      if (satisfied(e, baseDir, files)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static boolean satisfied(ManifestEntry e, String baseDir, Files files) {
    for (IncludedFile f : e.getAbsentList()) {
      if (files.present(resolve(f, baseDir))) {
        return false;
      }
    }
    String base = baseDir.isEmpty() ? "" : Path.of(baseDir).toString();
    List<String> names = e.getAbsentNamesList();
    for (AbsentGroup g : e.getAbsentGroupsList()) {
      String dir = dir(e.getAbsentDirs(g.getDir()), base);
      for (int i = 0; i < g.getNamesCount(); i++) {
        if (files.present(dir, names.get(g.getNames(i)))) {
          return false;
        }
      }
    }
    for (IncludedFile f : e.getIncludesList()) {
      try {
        if (!files.digest(resolve(f, baseDir)).equals(f.getDigest())) {
          return false;
        }
      } catch (IOException | RuntimeException ex) {
        return false;
      }
    }
    return true;
  }

  /** The manifest with one more entry, oldest entries dropped to stay within bounds. */
  static Manifest extend(Optional<Manifest> old, ManifestEntry entry) {
    List<ManifestEntry> kept = new ArrayList<>();
    old.ifPresent(m -> m.getEntriesList().stream()
        .filter(e -> !(e.getResultKey().equals(entry.getResultKey()) && e.getIncludesList().equals(entry.getIncludesList())))
        .forEach(kept::add));
    kept.add(entry);
    while (kept.size() > DaemonConstants.MANIFEST_MAX_ENTRIES
        || kept.size() > 1 && kept.stream().mapToLong(ManifestEntry::getSerializedSize).sum() > DaemonConstants.MANIFEST_MAX_BYTES - 1024) {
      kept.remove(0);
    }
    return Manifest.newBuilder().addAllEntries(kept).build();
  }

  static ByteString depFile(byte[] content, String baseDir) {
    if (baseDir.isEmpty()) {
      return ByteString.copyFrom(content);
    }
    return ByteString.copyFrom(normalise(new String(content, StandardCharsets.ISO_8859_1), baseDir), StandardCharsets.ISO_8859_1);
  }

  /** Line wrapping follows columns: a file naming the base dir is replayed only for one as long. */
  static boolean depFileReplayable(ManifestEntry e, String baseDir) {
    return e.getDepFile().toString(StandardCharsets.ISO_8859_1).indexOf('\0') < 0 || e.getDepBaseLength() == baseDir.length();
  }

  static byte[] depFileFor(ManifestEntry e, String baseDir) {
    String s = e.getDepFile().toString(StandardCharsets.ISO_8859_1);
    return denormalise(s, baseDir).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
