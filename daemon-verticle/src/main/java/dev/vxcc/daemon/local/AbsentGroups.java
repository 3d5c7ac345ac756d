package dev.vxcc.daemon.local;

import dev.vxcc.api.v1.AbsentGroup;
import dev.vxcc.api.v1.IncludedFile;
import dev.vxcc.api.v1.ManifestEntry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A manifest entry's shadowing places as they are stored: each directory once, each name once,
 * and per directory the names that must stay missing there. A recording asks about every
 * include's name in every searched directory, so both lists are short while their product runs
 * to thousands. Not thread-safe: one per recording.
 */
final class AbsentGroups {
  private final String baseDir;
  private final String base;
  private final Map<Path, BitSet> byDir = new LinkedHashMap<>();
  private final Map<String, Integer> nameIndex = new HashMap<>();
  private int pairs;

  /** @param baseDir the probe's base dir, "" for none: directories under it are stored relative to it */
  AbsentGroups(String baseDir) {
    this.baseDir = baseDir;
    this.base = baseDir.isEmpty() ? "" : Path.of(baseDir).toString();
  }

  /**
   * Records that {@code dir/parts[0]/.../parts[last]} was missing, unless only a path of its own
   * says the same: a place under the base dir in a directory above it is found relative to the
   * base dir, as any other under it, in whichever checkout reads the entry.
   *
   * @param dir a normalised absolute directory
   * @param parts plain names (no empty, "." or ".." part)
   * @return whether it was recorded
   */
  boolean add(Path dir, String[] parts, int last) {
    String name = last == 0 ? parts[0] : String.join("/", Arrays.copyOf(parts, last + 1));
    if (!base.isEmpty()) {
      String d = dir.toString();
      if (!under(d) && under(AbsentPaths.join(d, name))) {
        return false;
      }
    }
    Integer n = nameIndex.computeIfAbsent(name, k -> nameIndex.size());
    if (!byDir.computeIfAbsent(dir, d -> new BitSet()).get(n)) {
      byDir.get(dir).set(n);
      pairs++;
    }
    return true;
  }

  private boolean under(String path) {
    return path.equals(base) || path.startsWith(base.endsWith("/") ? base : base + "/");
  }

  /** How many places are recorded. */
  int size() {
    return pairs;
  }

  void addTo(ManifestEntry.Builder b) {
    String[] names = new String[nameIndex.size()];
    nameIndex.forEach((name, i) -> names[i] = name);
    for (String name : names) {
      b.addAbsentNames(name);
    }
    int d = 0;
    for (Map.Entry<Path, BitSet> e : byDir.entrySet()) {
      b.addAbsentDirs(dirEntry(e.getKey()));
      AbsentGroup.Builder g = AbsentGroup.newBuilder().setDir(d++);
      e.getValue().stream().forEach(g::addNames);
      b.addAbsentGroups(g);
    }
  }

  private IncludedFile dirEntry(Path dir) {
    String s = dir.toString();
    if (!base.isEmpty() && s.equals(base)) {
      return IncludedFile.newBuilder().setPath("").setBaseRelative(true).build();
    }
    return DirectManifests.absent(s, baseDir, base);
  }
}
