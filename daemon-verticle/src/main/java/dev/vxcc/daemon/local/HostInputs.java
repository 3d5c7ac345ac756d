package dev.vxcc.daemon.local;

import dev.vxcc.common.util.Digests;
import dev.vxcc.daemon.identity.TreeKey;
import dev.vxcc.daemon.servant.ClockMacros;
import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a depend-mode compile read ({@link HostCompile}), as its own dependency list names it, with
 * digests for its key. The compile ran on the live files, so one changed while it ran could make
 * the object differ from what the digests say: every file must be older than the stamp taken just
 * before the compile started, by its change time (which no user can set back, unlike the mtime),
 * and unchanged after it was hashed. Digests are remembered by path, inode, size, mtime and change
 * time. Thread-safe; blocking.
 */
final class HostInputs {
  /** @param unstorable null when the files are exactly what the compile read; else why the result must not be stored */
  record Read(List<TreeKey.File> files, int clockFlags, String unstorable) {}

  private record Known(Object inode, long size, FileTime mtime, FileTime ctime, String digest) {}

  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final ClockMacros clocks;
  private final int maxEntries;

  HostInputs(ClockMacros clocks, int maxEntries) {
    this.clocks = clocks;
    this.maxEntries = maxEntries;
  }

  /**
   * @param paths absolute, normalised, as the compile named them
   * @param stamp the change time of a file made just before the compile started
   * @throws Refusal when the caller may not read one of them (then nothing of it is told)
   */
  Read read(Collection<String> paths, FileAccess access, FileTime stamp, long maxFileBytes) throws IOException {
    List<TreeKey.File> files = new ArrayList<>(paths.size());
    int flags = 0;
    for (String p : paths) {
      Path real = access.readable(Path.of(p));
      Map<String, Object> a = attributes(real);
      if (!(Boolean) a.get("isRegularFile")) {
        return new Read(List.of(), 0, "not a regular file: " + p);
      }
      if (((FileTime) a.get("ctime")).compareTo(stamp) >= 0) {
        return new Read(List.of(), 0, "changed while it was compiled: " + p);
      }
      long size = (Long) a.get("size");
      if (size > maxFileBytes) {
        return new Read(List.of(), 0, "larger than " + maxFileBytes + " bytes: " + p);
      }
      Known k = known.get(real.toString());
      if (k == null || !k.inode().equals(a.get("ino")) || k.size() != size || !k.mtime().equals(a.get("lastModifiedTime"))
          || !k.ctime().equals(a.get("ctime"))) {
        String digest = Digests.hexOfFile(real);
        Map<String, Object> after = attributes(real);
        if (!after.get("ino").equals(a.get("ino")) || !after.get("ctime").equals(a.get("ctime")) || (Long) after.get("size") != size) {
          return new Read(List.of(), 0, "changed while it was hashed: " + p);
        }
        k = new Known(a.get("ino"), size, (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"), digest);
        if (known.size() >= maxEntries) {
          known.clear();
        }
        known.put(real.toString(), k);
      }
      flags |= clocks.of(k.digest(), real);
      boolean executable = ((Integer) a.get("mode") & 0100) != 0;
      files.add(new TreeKey.File(p, k.digest(), executable));
    }
    return new Read(List.copyOf(files), flags, null);
  }

  private static Map<String, Object> attributes(Path real) throws IOException {
    return java.nio.file.Files.readAttributes(real, "unix:ino,size,lastModifiedTime,ctime,mode,isRegularFile", LinkOption.NOFOLLOW_LINKS);
  }
}
