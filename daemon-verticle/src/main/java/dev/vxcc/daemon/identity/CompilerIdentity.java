package dev.vxcc.daemon.identity;

import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.FileDigestCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What a compiler is, as far as the objects it produces are concerned: equal identities mean a
 * servant may compile a task for a submitter, and that their cached objects are interchangeable.
 *
 * <p>The recipe (both sides run exactly this, so equal installations agree):
 * <ol>
 *   <li>Run {@code <compiler> -### -c -x c /dev/null -x c++ /dev/null} once, with argv[0] as given
 *       (clang picks its driver mode and default target from that name), cwd {@code /} and a
 *       clean environment. The output names the version, target, thread model, gcc's configure
 *       line, and every program a compile of C and C++ runs (gcc: cc1, cc1plus, as; clang: itself
 *       with {@code -cc1}) with the arguments the driver derives, which reflect specs files and
 *       configured defaults (PIE, CET, ...) that no binary digest shows.</li>
 *   <li>Hash the content of the file given (a wrapper script hashes as the script, not as the
 *       compiler it calls), of each program named, and of the non-system shared libraries those
 *       programs load (libLLVM and libclang-cpp hold clang's code generator; isl, mpfr, mpc and
 *       gmp do part of gcc's), together with the probe output in which every token containing
 *       {@code /} is replaced by a placeholder: paths would tie the identity to an install prefix
 *       and to gcc's random temporary names, while the contents behind them are hashed anyway.</li>
 * </ol>
 *
 * <p>Results are cached by the name given and re-validated with size and mtime of every file that
 * went in, so a compile costs a few stat calls and the probe runs once per new installation.
 */
public final class CompilerIdentity {
  private static final String VERSION = "vxcc-compiler-identity-1";
  private static final List<String> PROBE_ARGS = List.of("-###", "-c", "-x", "c", "/dev/null", "-x", "c++", "/dev/null");
  /** Driver chatter that names the invocation or install location rather than the compiler. */
  private static final List<String> VOLATILE_LINES = List.of("COLLECT_GCC=", "COLLECT_LTO_WRAPPER=", "COMPILER_PATH=",
      "LIBRARY_PATH=", "InstalledDir:");
  /** Libraries that do no code generation; hashing libc would split identities on every glibc update. */
  private static final Set<String> SYSTEM_LIBRARIES = Set.of("libc", "libm", "libdl", "libpthread", "librt", "ld-linux-x86-64",
      "ld-linux-aarch64", "ld-linux", "libgcc_s", "libstdc++", "libz", "libzstd", "libtinfo", "libedit", "libxml2", "libffi",
      "libbsd", "libmd", "libicuuc", "libicudata", "liblzma");
  private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
      Path.of("/lib/aarch64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/lib64"), Path.of("/usr/lib64"),
      Path.of("/lib"), Path.of("/usr/lib"), Path.of("/usr/local/lib"));

  /**
   * @param hex the identity
   * @param driver the file given, resolved
   * @param prefix the installation prefix (parent of the driver's bin directory), or null when the
   *     driver does not live in a {@code bin} directory; paths under it are compiler-owned for
   *     {@link TaskKey}
   * @param files every file hashed (resolved), driver first
   */
  public record Identity(String hex, Path driver, Path prefix, List<Path> files) {
    public Identity {
      files = List.copyOf(files);
    }
  }

  /** @param label the compiler's name and version for people, e.g. "g++ 12.2.0" */
  private record Entry(Path real, List<FileDigestCache.Key> stamps, Identity identity, String label) {}

  private final FileDigestCache files;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  /**
   * Probes that failed (not a compiler, a wrapper that hangs on -###), by the file's stamp: without
   * this every compile through such a "compiler" would pay the failed probe again.
   */
  private final Map<String, Map.Entry<FileDigestCache.Key, String>> failures = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final String searchPath;
  private final java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();

  public CompilerIdentity(FileDigestCache files) {
    this(files, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
  }

  /** @param searchPath PATH for the probe: gcc finds {@code as} through it */
  public CompilerIdentity(FileDigestCache files, String searchPath) {
    this.files = files;
    this.searchPath = searchPath;
  }

  /** How many times a compiler was run: the cache is supposed to keep this at one per installation. */
  int probes() {
    return probes.get();
  }

  /** Blocking: the hex identity of the compiler at this path (not resolved: its name matters). */
  public String identity(Path compiler) throws IOException {
    return of(compiler).hex();
  }

  /** Blocking; runs the compiler when this path, or anything it involves, is new or changed. */
  public Identity of(Path compiler) throws IOException {
    String key = compiler.toString();
    Entry e = cache.get(key);
    if (e != null && fresh(e, compiler)) {
      return e.identity();
    }
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      e = cache.get(key);
      if (e != null && fresh(e, compiler)) {
        return e.identity();
      }
      FileDigestCache.Key stamp = FileDigestCache.keyOf(compiler.toRealPath());
      Map.Entry<FileDigestCache.Key, String> failed = failures.get(key);
      if (failed != null && failed.getKey().equals(stamp)) {
        throw new IOException(failed.getValue());
      }
      Entry computed;
      try {
        computed = compute(compiler);
      } catch (IOException ex) {
        failures.put(key, Map.entry(stamp, String.valueOf(ex.getMessage())));
        throw ex;
      }
      failures.remove(key);
      cache.put(key, computed);
      return computed.identity();
    }
  }

  private static boolean fresh(Entry e, Path compiler) {
    try {
      if (!compiler.toRealPath().equals(e.real())) {
        return false;
      }
      for (FileDigestCache.Key k : e.stamps()) {
        if (!FileDigestCache.keyOf(Path.of(k.path())).equals(k)) {
          return false;
        }
      }
      return true;
    } catch (IOException | SecurityException ex) {
      return false;
    }
  }

  private Entry compute(Path compiler) throws IOException {
    if (!compiler.isAbsolute()) {
      throw new IOException("compiler path must be absolute: " + compiler);
    }
    Path real = compiler.toRealPath();
    List<String> probe = probe(compiler);
    List<String> normalised = new ArrayList<>();
    Set<Path> programs = new LinkedHashSet<>();
    programs.add(real);
    for (String line : probe) {
      if (VOLATILE_LINES.stream().anyMatch(line::startsWith)) {
        continue;
      }
      if (!line.startsWith(" ")) {
        normalised.add(line);
        continue;
      }
      List<String> argv = splitCommand(line);
      if (argv.isEmpty()) {
        continue;
      }
      Path program = resolveProgram(argv.get(0));
      if (program != null) {
        programs.add(program);
      }
      StringBuilder sb = new StringBuilder(" ").append(program == null ? "missing:" + argv.get(0) : "<program>");
      for (int i = 1; i < argv.size(); i++) {
        String a = argv.get(i);
        if (a.equals("-iprefix")) {
          // Only a relocated gcc passes it (to find its headers); the remote compile reads none.
          i++;
          continue;
        }
        sb.append(' ').append(a.contains("/") ? "<path>" : a);
      }
      normalised.add(sb.toString());
    }
    Map<String, Path> libraries = new TreeMap<>();
    for (Path p : programs) {
      libraries.putAll(compilerLibraries(p));
    }
    List<Path> involved = new ArrayList<>(programs);
    involved.addAll(libraries.values());
    List<FileDigestCache.Key> stamps = new ArrayList<>();
    List<byte[]> parts = new ArrayList<>();
    parts.add(VERSION.getBytes(StandardCharsets.UTF_8));
    parts.add(String.join("\n", normalised).getBytes(StandardCharsets.UTF_8));
    for (Path p : programs) {
      stamps.add(FileDigestCache.keyOf(p));
      parts.add(files.digestOf(p).getBytes(StandardCharsets.UTF_8));
    }
    for (Map.Entry<String, Path> lib : libraries.entrySet()) {
      stamps.add(FileDigestCache.keyOf(lib.getValue()));
      parts.add((lib.getKey() + "=" + files.digestOf(lib.getValue())).getBytes(StandardCharsets.UTF_8));
    }
    String hex = Digests.hexOfParts(parts.toArray(new byte[0][]));
    return new Entry(real, stamps, new Identity(hex, real, prefixOf(real), involved), label(compiler, probe));
  }

  /** Identity → name and version (e.g. "g++ 12.2.0") of every compiler identified so far. */
  public Map<String, String> labels() {
    Map<String, String> out = new TreeMap<>();
    cache.values().forEach(e -> out.putIfAbsent(e.identity().hex(), e.label()));
    return out;
  }

  /** The name the build used and the version the driver reports ("gcc version 12.2.0 (…)", "clang version 14.0.6"). */
  static String label(Path compiler, List<String> probe) {
    String name = compiler.getFileName().toString();
    for (String line : probe) {
      int at = line.startsWith("gcc version ") ? 0 : line.indexOf("clang version ");
      if (at >= 0) {
        String rest = line.substring(line.indexOf("version ", at) + "version ".length()).strip();
        int end = rest.indexOf(' ');
        return name + " " + (end < 0 ? rest : rest.substring(0, end));
      }
    }
    return name;
  }

  private List<String> probe(Path compiler) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(compiler.toString());
    cmd.addAll(PROBE_ARGS);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile()).redirectErrorStream(true);
    // The servant compiles in a clean environment; GCC_EXEC_PREFIX, COMPILER_PATH or a locale
    // inherited here would make the two sides disagree.
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", searchPath);
    env.put("LC_ALL", "C");
    probes.incrementAndGet();
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readNBytes(1 << 20);
    }
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(compiler + " did not answer -### within 30 s");
      }
    } catch (InterruptedException ex) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while probing " + compiler, ex);
    }
    if (p.exitValue() != 0) {
      throw new IOException(compiler + " -### failed with exit code " + p.exitValue());
    }
    List<String> lines = new String(out, StandardCharsets.UTF_8).lines().toList();
    if (lines.stream().noneMatch(l -> l.startsWith(" "))) {
      throw new IOException(compiler + " -### named no compiler program");
    }
    return lines;
  }

  private Path resolveProgram(String name) {
    try {
      if (name.contains("/")) {
        Path p = Path.of(name);
        return p.isAbsolute() && Files.isRegularFile(p) ? p.toRealPath() : null;
      }
      for (String dir : searchPath.split(":")) {
        if (dir.isEmpty()) {
          continue;
        }
        Path p = Path.of(dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p.toRealPath();
        }
      }
    } catch (IOException | RuntimeException ex) {
      return null;
    }
    return null;
  }

  /** gcc prints bare or double-quoted words, clang quotes every word with backslash escapes. */
  static List<String> splitCommand(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < line.length()) {
          cur.append(line.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == ' ' || c == '\t') {
        if (cur != null) {
          out.add(cur.toString());
          cur = null;
        }
      } else {
        if (cur == null) {
          cur = new StringBuilder();
        }
        if (c == '"') {
          quoted = true;
        } else if (c == '\\' && i + 1 < line.length()) {
          cur.append(line.charAt(++i));
        } else {
          cur.append(c);
        }
      }
    }
    if (cur != null) {
      out.add(cur.toString());
    }
    return out;
  }

  static Path prefixOf(Path realDriver) {
    Path bin = realDriver.getParent();
    if (bin == null || bin.getFileName() == null || !bin.getFileName().toString().equals("bin")) {
      return null;
    }
    Path prefix = bin.getParent();
    return prefix == null || prefix.getParent() == null ? null : prefix;
  }

  /** soname stem → resolved file, for the DT_NEEDED libraries that are part of the compiler. */
  static Map<String, Path> compilerLibraries(Path program) {
    Map<String, Path> out = new TreeMap<>();
    Elf.Dynamic dyn;
    try {
      dyn = Elf.dynamic(program);
    } catch (IOException | RuntimeException ex) {
      return out;
    }
    if (dyn == null) {
      return out;
    }
    for (String needed : dyn.needed()) {
      String stem = needed.contains(".so") ? needed.substring(0, needed.indexOf(".so")) : needed;
      if (SYSTEM_LIBRARIES.contains(stem)) {
        continue;
      }
      // An unresolvable soname is still part of the program's own bytes, which are hashed.
      Path found = findLibrary(needed, program, dyn.runpath());
      if (found != null) {
        out.put(needed, found);
      }
    }
    return out;
  }

  private static Path findLibrary(String soname, Path program, List<String> runpath) {
    List<Path> dirs = new ArrayList<>();
    for (String r : runpath) {
      dirs.add(Path.of(r.replace("$ORIGIN", program.getParent().toString()).replace("${ORIGIN}", program.getParent().toString())));
    }
    dirs.addAll(LIBRARY_DIRS);
    for (Path d : dirs) {
      Path p = d.resolve(soname);
      if (Files.isRegularFile(p)) {
        try {
          return p.toRealPath();
        } catch (IOException ex) {
          return null;
        }
      }
    }
    return null;
  }
}
