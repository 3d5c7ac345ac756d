package dev.vxcc.daemon.servant;

import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.daemon.identity.CompilerIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compilers this servant can run, keyed by {@link CompilerIdentity}: a servant compiles only
 * with a compiler whose identity equals the submitter's, so that its objects do too.
 */
public final class CompilerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(CompilerRegistry.class);
  /** gcc, g++, clang, clang++, cc, c++ and their versioned or triplet-prefixed names. */
  private static final Pattern COMPILER_NAME =
      Pattern.compile("^([\\w.-]+-)?(gcc|g\\+\\+|clang|clang\\+\\+|cc|c\\+\\+)(-[0-9.]+)?$");
  private static final List<String> WRAPPER_NAMES = List.of("ccache", "distcc", "icecc", "sccache", "vxcc");

  private final CompilerIdentity identities;
  private volatile Map<String, Path> byDigest = Map.of();

  public CompilerRegistry(FileDigestCache digests) {
    this.identities = new CompilerIdentity(digests);
  }

  /**
   * Blocking (reads binaries, runs each new compiler once): call from a worker. Replaces the map
   * atomically. The path kept is the name found, not its target: clang derives its mode and
   * default target from that name, and the identity was computed with it.
   */
  public Map<String, Path> rescan(List<Path> dirs) {
    Map<String, Path> found = new LinkedHashMap<>();
    for (Path dir : dirs) {
      List<Path> entries = new ArrayList<>();
      try (var s = Files.list(dir)) {
        s.filter(p -> COMPILER_NAME.matcher(p.getFileName().toString()).matches()).sorted().forEach(entries::add);
      } catch (IOException | SecurityException e) {
        continue;
      }
      for (Path p : entries) {
        consider(p).ifPresent(d -> found.putIfAbsent(d, p));
      }
    }
    if (!found.keySet().equals(byDigest.keySet())) {
      LOG.info("compilers: {}", found);
    }
    byDigest = Map.copyOf(found);
    return byDigest;
  }

  private Optional<String> consider(Path candidate) {
    try {
      Path real = candidate.toRealPath();
      String name = real.getFileName().toString();
      if (WRAPPER_NAMES.stream().anyMatch(name::endsWith) || !Files.isExecutable(real) || !Files.isRegularFile(real)) {
        return Optional.empty();
      }
      return Optional.of(identities.identity(candidate));
    } catch (IOException | SecurityException e) {
      LOG.debug("{} is not a usable compiler: {}", candidate, e.getMessage());
      return Optional.empty();
    }
  }

  public Optional<Path> pathOf(String digest) {
    return Optional.ofNullable(byDigest.get(digest));
  }

  public List<String> digests() {
    return List.copyOf(byDigest.keySet());
  }

  public Map<String, Path> snapshot() {
    return byDigest;
  }

  /** PATH of this process, then configured directories. */
  public static List<Path> searchDirs(List<String> extra) {
    List<Path> dirs = new ArrayList<>();
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    extra.stream().filter(s -> !s.isEmpty()).map(Path::of).forEach(dirs::add);
    return dirs;
  }
}
