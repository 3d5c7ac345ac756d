package dev.vxcc.daemon.identity;

import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.daemon.DaemonConstants;
import io.vertx.core.Future;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

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
  /** The probe running for a path, if any: later callers share its result. */
  private final Map<String, CompletableFuture<Identity>> inFlight = new ConcurrentHashMap<>();
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

  /**
   * Blocking; runs the compiler when this path, or anything it involves, is new or changed. One
   * probe per path at a time: a second caller waits for that probe's result instead of starting
   * another, and no lock is held while a compiler runs.
   */
  public Identity of(Path compiler) throws IOException {
    String key = compiler.toString();
    Entry e = cache.get(key);
    if (e != null && fresh(e, compiler)) {
      return e.identity();
    }
    CompletableFuture<Identity> mine = new CompletableFuture<>();
    CompletableFuture<Identity> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return join(running, compiler);
    }
    try {
      Identity id = probeOnce(key, compiler);
      mine.complete(id);
      return id;
    } catch (IOException | RuntimeException ex) {
      mine.completeExceptionally(ex);
      throw ex;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /**
   * The same on {@code probes}, a worker pool of its own (see {@link DaemonConstants#COMPILER_PROBE_POOL}):
   * while a probe of this path runs, the answer is that probe's result and no further thread waits for it.
   */
  public Future<Identity> of(Path compiler, WorkerExecutor probes) {
    CompletableFuture<Identity> running = inFlight.get(compiler.toString());
    if (running != null) {
      // The probe's thread completes it: callers continue on their own context (an event loop
      // whose state is confined to it), not on that thread.
      Context caller = Vertx.currentContext();
      return caller == null ? Future.fromCompletionStage(running) : Future.fromCompletionStage(running, caller);
    }
    return probes.executeBlocking(() -> of(compiler), false);
  }

  private Identity probeOnce(String key, Path compiler) throws IOException {
    Entry e = cache.get(key);
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

  private static Identity join(CompletableFuture<Identity> running, Path compiler) throws IOException {
    try {
      return running.get();
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      throw new IOException("probing " + compiler + " failed: " + ex.getCause(), ex.getCause());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the probe of " + compiler, ex);
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
      libraries.putAll(CompilerLibraries.of(p));
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

  /** The paths identified so far: a redeployed delegate identifies them before it takes requests. */
  public java.util.Set<String> paths() {
    return java.util.Set.copyOf(cache.keySet());
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
    probes.incrementAndGet();
    return CompilerProbe.run(compiler, PROBE_ARGS, searchPath);
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
}
