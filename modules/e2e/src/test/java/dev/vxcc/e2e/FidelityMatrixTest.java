package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.LoopbackCluster;
import dev.vxcc.testkit.NodeProcess;
import dev.vxcc.testkit.Sources;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compiler fidelity matrix: two real projects from Debian source packages (ninja-build and
 * leveldb) built with gcc and with clang on the flag sets real builds use (issue 11's table:
 * Debian's dpkg-buildflags with -ffile-prefix-map, -fdebug-prefix-map, -g with -Wpedantic, -g3,
 * clang's default DWARF 5, -gdwarf-4, -gsplit-dwarf), through a scheduler and two daemons
 * (separate JVMs on loopback). Every configuration is built twice at the same path, first with the
 * real compiler, then through the wrapper; every object and .dwo must be byte-identical, the
 * project's own tests must pass on the build made through vxcc, and the share of compiles that
 * ran remotely is recorded with the reasons for the rest and the compiles run twice. Each row also
 * compiles a small {@link DiagnosticsProject} (a TU with a warning, one with an error, one with
 * anonymous-namespace types, headers under -I) file by file with -MD, where the objects, .d and
 * .dwo files, stderr and exit codes must all be identical. The table goes to stdout and to
 * {@code target/fidelity-matrix.txt}.
 *
 * <p>Every row must compile at least {@code vxcc.matrix.minRemotePercent} (default 95) percent of
 * its compiles remotely, the error TU included; 0 turns that off and leaves the older, weaker bar
 * (half the compiles, on the rows main has always distributed). No compile may run twice.
 *
 * <p>The CI split (the whole matrix took over 40 min on the 2-core machine): the small project runs
 * on every row, ninja-build on {@link #NINJA_ROWS_ON_CI}, leveldb on {@link #LEVELDB_ROWS_ON_CI}
 * (Debian's flags); rows named by {@code vxcc.matrix.rows} run on every project,
 * and on every row with {@code -Dvxcc.matrix.full=true}, which {@code bench/fidelity.sh} sets
 * (with no timeout: {@code -Djunit.jupiter.execution.timeout.mode=disabled}). {@code -Dvxcc.matrix.rows=gcc:-g3,clang:-O2} runs only the rows
 * named (compiler:flags, or a bare compiler), for a quick look at one; {@code -Dvxcc.matrix.projects=diag}
 * (of diag,ninja,leveldb) only the projects named.
 *
 * <p>leveldb builds its library, leveldbutil and a few of its test executables (each test
 * recompiles util/testutil.cc against gtest/gmock, and all 30 would double the run time on a
 * 2-core CI machine); {@code -Dvxcc.matrix.leveldbTargets=all} builds every test. Its tests link
 * Debian's googletest and benchmark (libgtest-dev, libgmock-dev, libbenchmark-dev), as Debian's
 * own packaging does (patch 0120-external_testing).
 */
class FidelityMatrixTest {
  /** leveldb targets built by default; "all" in the property builds everything. */
  static final List<String> LEVELDB_TARGETS = List.of("leveldb", "leveldbutil", "c_test", "coding_test", "table_test", "status_test");

  /** Debian's dpkg-buildflags for C and C++ (bookworm, amd64); ROOT is the source tree. */
  static final String DPKG_FLAGS = "-g -O2 -ffile-prefix-map=ROOT=. -fstack-protector-strong -Wformat -Werror=format-security"
      + " -Wdate-time -D_FORTIFY_SOURCE=2";

  /** Issue 11's rows, per compiler; ROOT stands for the project's source directory. */
  static final List<Config> ROWS = List.of(
      new Config("gcc", "-O2"),
      new Config("gcc", "-g"),
      new Config("gcc", DPKG_FLAGS),
      new Config("gcc", "-O2 -g -fdebug-prefix-map=ROOT=."),
      new Config("gcc", "-g -O2 -Wall -Wextra -Wpedantic"),
      new Config("gcc", "-g3 -O2"),
      new Config("clang", "-O2"),
      new Config("clang", "-g -O0"),
      new Config("clang", "-g -O2"),
      new Config("clang", "-g3 -O2"),
      new Config("clang", "-O2 -g -fdebug-prefix-map=ROOT=."),
      new Config("clang", "-g -O2 -gdwarf-4"),
      // No gcc -gsplit-dwarf row: gcc 12 draws the DWO id afresh on each run for most of ninja's
      // units (measured: two local compiles of src/build.cc differ in those 8 bytes of the .o and
      // the .dwo), so no build, local or remote, can match another byte for byte; servant
      // SourceTreeTest checks gcc's split DWARF up to that id.
      new Config("clang", "-g -O2 -gsplit-dwarf"));

  /** The rows leveldb builds on CI; all with -Dvxcc.matrix.full=true. */
  static final Set<Config> LEVELDB_ROWS_ON_CI = Set.of(new Config("gcc", DPKG_FLAGS));

  /**
   * The rows ninja-build builds on CI (each ~1.5 min on 2 cores): gcc with Debian's flags (-g,
   * prefix maps) and clang -g3 (DWARF 5 checksums, macro info). -Wpedantic with -g and the other
   * rows are proved on the small project in every run; all rows on every project with
   * -Dvxcc.matrix.full=true (bench/fidelity.sh).
   */
  static final Set<Config> NINJA_ROWS_ON_CI = Set.of(new Config("gcc", DPKG_FLAGS), new Config("clang", "-g3 -O2"));

  record Config(String compiler, String flags) {
    String flagsFor(Path root) {
      return flags.replace("ROOT", root.toString());
    }

    /** Short and stable, for directory names and the table. */
    String label() {
      return flags.equals(DPKG_FLAGS) ? "dpkg-buildflags" : flags;
    }

    boolean selectedBy(String filter) {
      if (filter == null || filter.isBlank()) {
        return true;
      }
      for (String f : filter.split(",")) {
        int colon = f.indexOf(':');
        if (colon < 0 ? f.equals(compiler) : f.substring(0, colon).equals(compiler) && f.substring(colon + 1).equals(label())) {
          return true;
        }
      }
      return false;
    }
  }

  static LoopbackCluster cluster;
  static NodeProcess submitter;
  static NodeProcess servant;
  static Path work;
  static Path symlinks;

  record Compiler(String name, String cc, String cxx) {}

  record Row(String project, String compiler, String flags, int objects, long remote, long local, Map<String, Long> localReasons,
      long links, List<String> different, Map<String, String> whyDifferent, String tests, long seconds, long repeated) {
    boolean identical() {
      return different.isEmpty();
    }
  }

  @BeforeAll
  static void startCluster() throws Exception {
    work = E2e.work("matrix");
    symlinks = E2e.symlinks(work);
    cluster = new LoopbackCluster(E2e.dist(), work.resolve("logs"), 4);
    cluster.start("scheduler", LoopbackCluster.config("sched", 0));
    submitter = cluster.start("daemon", LoopbackCluster.config("node-a", 2));
    servant = cluster.start("daemon", LoopbackCluster.config("node-b", 4));
    E2e.awaitServantAt(submitter.localApi(), servant.info("serving"));
    for (String c : List.of("gcc", "g++", "clang", "clang++")) {
      E2e.awaitCompilerInCluster(submitter.localApi(), Path.of("/usr/bin", c));
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 50, unit = TimeUnit.MINUTES)
  void twoProjectsTwoCompilersTwoLevelsAreByteIdenticalThroughTheCluster() throws Exception {
    long t0 = System.nanoTime();
    List<String> projects = List.of(System.getProperty("vxcc.matrix.projects", "diag,ninja,leveldb").split(","));
    Path ninjaSrc = projects.contains("ninja") ? Sources.debian("ninja-build") : null;
    Path leveldbSrc = projects.contains("leveldb") ? Sources.debian("leveldb") : null;
    Map<String, Compiler> compilers = Map.of("gcc", new Compiler("gcc", "gcc", "g++"), "clang", new Compiler("clang", "clang", "clang++"));
    String leveldbTargets = System.getProperty("vxcc.matrix.leveldbTargets", String.join(",", LEVELDB_TARGETS));
    boolean full = Boolean.getBoolean("vxcc.matrix.full");
    String only = System.getProperty("vxcc.matrix.rows", "");
    Path diagSrc = DiagnosticsProject.write(work.resolve("diag-src"));

    List<Row> rows = new ArrayList<>();
    Path out = Path.of("target/fidelity-matrix.txt").toAbsolutePath();
    Files.createDirectories(out.getParent());
    for (Config cfg : ROWS) {
      if (!cfg.selectedBy(only)) {
        continue;
      }
      Compiler c = compilers.get(cfg.compiler());
      if (projects.contains("diag")) {
        rows.add(DiagnosticsProject.compare(diagSrc, c, cfg));
      }
      if (projects.contains("ninja") && (full || !only.isEmpty() || NINJA_ROWS_ON_CI.contains(cfg))) {
        rows.add(build("ninja", ninjaSrc, List.of(), List.of(), c, cfg));
      }
      if (projects.contains("leveldb") && (full || !only.isEmpty() || LEVELDB_ROWS_ON_CI.contains(cfg))) {
        List<String> targets = "all".equals(leveldbTargets) ? List.of() : List.of(leveldbTargets.split(","));
        rows.add(build("leveldb", leveldbSrc, List.of("-DLEVELDB_BUILD_TESTS=ON", "-DLEVELDB_BUILD_BENCHMARKS=OFF"), targets, c, cfg));
      }
      // The table so far after every configuration: the whole matrix takes hours on a small machine,
      // and a run stopped half-way still leaves what it measured.
      Files.writeString(out, table(rows, (System.nanoTime() - t0) / 1_000_000_000L, leveldbTargets));
    }
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    String table = table(rows, seconds, leveldbTargets);
    System.out.println(table);
    Files.writeString(out, table);

    long minRemotePercent = Long.getLong("vxcc.matrix.minRemotePercent", 95);
    List<String> failures = new ArrayList<>();
    for (Row r : rows) {
      String cfg = r.project + " " + r.compiler + " " + r.flags;
      if (!r.identical()) {
        failures.add(cfg + ": " + r.different.size() + " objects differ: " + r.whyDifferent);
      }
      if (!r.tests.startsWith("pass")) {
        failures.add(cfg + ": tests " + r.tests);
      }
      // The older bar, kept whatever the property says: the rows main has always distributed.
      boolean distributable = !r.project.equals("diag") && (r.flags.equals("-O2") || r.compiler.equals("gcc") && r.flags.equals("-g"));
      if (distributable && r.remote < r.objects / 2) {
        failures.add(cfg + ": only " + r.remote + " of " + r.objects + " compiles ran remotely, local " + r.localReasons);
      }
      // Issue 11: nothing is compiled twice (every compile goes as a source tree, which prints what the compiler printed).
      if (r.repeated > 0) {
        failures.add(cfg + ": " + r.repeated + " compiles ran twice");
      }
      long compiles = r.remote + r.local;
      if (minRemotePercent > 0 && r.remote * 100 < minRemotePercent * compiles && !openGap(r)) {
        failures.add(cfg + ": " + r.remote + " of " + compiles + " compiles ran remotely (< " + minRemotePercent + " %), local "
            + r.localReasons);
      }
    }
    assertEquals(List.of(), failures, "fidelity matrix (see " + out + "):\n" + table);
  }

  /**
   * Rows that do not reach the bar yet; none since a compile that prints is redone as a source tree
   * on a servant (measured 2026-11-30). Kept, with -Dvxcc.matrix.strict=true, as the place to name
   * one with its reason when a compiler or flag opens a new gap.
   */
  static boolean openGap(Row r) {
    return false;
  }

  /** One configuration: a local build with the real compiler, then one through vxcc, at the same path. */
  Row build(String project, Path src, List<String> cmakeArgs, List<String> targets, Compiler c, Config row) throws Exception {
    long t0 = System.nanoTime();
    String flags = row.flagsFor(src);
    String cfg = project + "-" + c.name + row.label().replaceAll("[^A-Za-z0-9=.-]", "");
    // Debug info records the build directory, so both builds happen at this same path in turn.
    Path build = work.resolve("build-" + project);
    Path localTree = work.resolve("local-" + cfg);
    Commands.run(work, Map.of(), 300, List.of("rm", "-rf", build.toString(), localTree.toString())).orFail("clean");
    List<String> cmake = new ArrayList<>(List.of("cmake", "-G", "Ninja", "-S", src.toString(), "-B", build.toString(),
        "-DCMAKE_BUILD_TYPE=None", "-DCMAKE_C_FLAGS=" + flags, "-DCMAKE_CXX_FLAGS=" + flags));
    cmake.addAll(cmakeArgs);
    List<String> ninja = new ArrayList<>(List.of("ninja"));
    ninja.addAll(targets);

    // 1. The real compiler.
    List<String> local = new ArrayList<>(cmake);
    local.add("-DCMAKE_C_COMPILER=/usr/bin/" + c.cc);
    local.add("-DCMAKE_CXX_COMPILER=/usr/bin/" + c.cxx);
    Commands.run(work, Map.of(), 300, local).orFail("cmake (local) " + cfg);
    Commands.run(build, Map.of(), 1800, concat(ninja, "-j2")).orFail("local build " + cfg);
    Files.move(build, localTree);

    // 2. Through vxcc: the shim's symlinks, no shared cache.
    Map<String, String> env = new HashMap<>(E2e.env(symlinks, submitter.localApi()));
    env.put("VXCC_CACHE_CONTROL", "0");
    List<String> viaVxcc = new ArrayList<>(cmake);
    viaVxcc.add("-DCMAKE_C_COMPILER=" + symlinks.resolve(c.cc));
    viaVxcc.add("-DCMAKE_CXX_COMPILER=" + symlinks.resolve(c.cxx));
    Commands.run(work, env, 300, viaVxcc).orFail("cmake (through vxcc) " + cfg);
    JsonObject before = E2e.stats(submitter.localApi());
    Commands.Result built = Commands.run(build, env, 1800, E2e.onPath(concat(ninja, "-j6").toArray(String[]::new)))
        .orFail("build through vxcc " + cfg);
    JsonObject after = E2e.stats(submitter.localApi());

    // 3. Compare every object (and split DWARF file).
    Set<String> expected = objects(localTree);
    Set<String> actual = objects(build);
    long objectCount = expected.stream().filter(o -> o.endsWith(".o")).count();
    assertTrue(objectCount >= 20, cfg + ": expected dozens of objects, found " + objectCount);
    assertEquals(expected, actual, cfg + ": the two builds made different sets of objects");
    List<String> different = new ArrayList<>();
    Map<String, String> why = new LinkedHashMap<>();
    for (String o : expected) {
      byte[] a = Files.readAllBytes(localTree.resolve(o));
      byte[] b = Files.readAllBytes(build.resolve(o));
      if (!Arrays.equals(a, b)) {
        different.add(o);
        if (why.size() < 5) {
          why.put(o, "sections " + differingSections(a, b));
        }
      }
    }

    // 4. The project's own tests, on the build made through vxcc.
    String tests = runTests(project, build, targets, different.isEmpty());

    // 5. Where the compiles of this build ran.
    Placement where = Placement.between(before, after);
    if (different.isEmpty()) {
      // Keep the trees of a mismatch for analysis; otherwise save the disk.
      Commands.run(work, Map.of(), 300, List.of("rm", "-rf", localTree.toString())).orFail("clean");
    } else {
      System.out.println(cfg + ": differing objects " + different + "\nbuild through vxcc:\n" + built.stdout());
    }
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    Row result = new Row(project, c.name, row.label(), (int) objectCount, where.remote(), where.localCompiles(), where.reasons(), where.links(),
        different, why, tests, seconds, where.repeated());
    System.out.println("matrix: " + result);
    return result;
  }

  /**
   * The project's own tests. A ctest run that fails while every object is byte-identical to the
   * local build's runs its failed tests once more: the binaries are then exactly what a local build
   * links, so a test that passes the second time is one of the project's own intermittent ones
   * (leveldb's DBTest.HiddenValuesAreRemoved races its background compaction, upstream issue 188),
   * and the row says which test needed it. With any object different, a failure stands.
   */
  static String runTests(String project, Path build, List<String> targets, boolean objectsIdentical) throws Exception {
    Commands.Result r;
    if (project.equals("ninja")) {
      r = Commands.run(build, Map.of(), 900, List.of(build.resolve("ninja_test").toString()));
      String last = r.stdout().lines().reduce("", (a, b) -> b.isBlank() ? a : b);
      return (r.exit() == 0 ? "pass" : "FAIL(" + r.exit() + ")") + " ninja_test " + last.replaceAll(".*\\] ", "").trim();
    }
    List<String> ctest = new ArrayList<>(List.of("ctest", "--output-on-failure", "--timeout", "600"));
    List<String> tests = targets.stream().filter(t -> t.endsWith("_test")).toList();
    if (!targets.isEmpty()) {
      ctest.add("-R");
      ctest.add("^(" + String.join("|", tests) + ")$");
    }
    r = Commands.run(build, Map.of(), 1200, ctest);
    String summary = r.stdout().lines().filter(l -> l.contains("tests passed")).findFirst().orElse("?").trim();
    if (r.exit() == 0) {
      return "pass ctest: " + summary;
    }
    System.out.println("ctest failed:\n" + r.stdout() + r.stderr());
    List<String> failed = r.stdout().lines().map(String::trim).filter(l -> l.matches("\\d+ - \\S+ \\(.*\\)"))
        .map(l -> l.replaceAll("^\\d+ - (\\S+) .*", "$1")).toList();
    if (objectsIdentical && !failed.isEmpty()) {
      Commands.Result again = Commands.run(build, Map.of(), 1200, List.of("ctest", "--rerun-failed", "--output-on-failure", "--timeout", "600"));
      if (again.exit() == 0) {
        return "pass ctest: " + summary + "; " + failed + " failed once and passed on a re-run (objects identical to the local build's)";
      }
      System.out.println("ctest re-run failed:\n" + again.stdout() + again.stderr());
    }
    return "FAIL(" + r.exit() + ") ctest: " + summary;
  }

  /** Object and split-DWARF files relative to the build tree, without CMake's -flto probe (LTO objects are never reproducible). */
  static Set<String> objects(Path tree) throws IOException {
    try (Stream<Path> s = Files.walk(tree)) {
      Set<String> out = new TreeSet<>();
      s.filter(p -> (p.toString().endsWith(".o") || p.toString().endsWith(".dwo")) && Files.isRegularFile(p))
          .map(p -> tree.relativize(p).toString())
          .filter(p -> !p.contains("_CMakeLTOTest"))
          .forEach(out::add);
      return out;
    }
  }

  /** Names of the ELF sections whose contents differ (or "headers" when only the layout does). */
  static List<String> differingSections(byte[] a, byte[] b) {
    try {
      Map<String, byte[]> sa = sections(a);
      Map<String, byte[]> sb = sections(b);
      List<String> out = new ArrayList<>();
      Set<String> names = new TreeSet<>(sa.keySet());
      names.addAll(sb.keySet());
      for (String n : names) {
        if (!Arrays.equals(sa.get(n), sb.get(n))) {
          out.add(n + (sa.containsKey(n) && sb.containsKey(n) ? "(" + sa.get(n).length + "/" + sb.get(n).length + " bytes)" : "(only one)"));
        }
      }
      return out.isEmpty() ? List.of("headers") : out;
    } catch (RuntimeException e) {
      return List.of("not ELF64: " + e);
    }
  }

  private static Map<String, byte[]> sections(byte[] elf) {
    ByteBuffer bb = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = bb.getLong(0x28);
    int shentsize = bb.getShort(0x3A) & 0xffff;
    int shnum = bb.getShort(0x3C) & 0xffff;
    int shstrndx = bb.getShort(0x3E) & 0xffff;
    long strOff = bb.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int i = 1; i < shnum; i++) {
      int h = (int) (shoff + (long) i * shentsize);
      int nameOff = bb.getInt(h);
      int type = bb.getInt(h + 4);
      long off = bb.getLong(h + 0x18);
      long size = bb.getLong(h + 0x20);
      int end = (int) strOff + nameOff;
      while (elf[end] != 0) {
        end++;
      }
      String name = new String(elf, (int) strOff + nameOff, end - (int) strOff - nameOff, StandardCharsets.UTF_8);
      byte[] content = type == 8 /* SHT_NOBITS */ ? new byte[0] : Arrays.copyOfRange(elf, (int) off, (int) (off + size));
      out.merge(name, content, (x, y) -> {
        byte[] z = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, z, x.length, y.length);
        return z;
      });
    }
    return out;
  }

  static String table(List<Row> rows, long seconds, String leveldbTargets) {
    StringBuilder sb = new StringBuilder();
    sb.append("Compiler fidelity matrix: scheduler + 2 daemons on loopback, no shared cache (VXCC_CACHE_CONTROL=0)\n");
    sb.append("leveldb targets: ").append(leveldbTargets).append("; total ").append(seconds).append(" s\n");
    String fmt = "%-8s | %-6s | %-34s | %7s | %-10s | %-50s | %7s | %-9s | %s%n";
    sb.append(String.format(fmt, "project", "cc", "flags", "objects", "remote", "local compiles (reasons); links", "twice", "identical",
        "tests"));
    for (Row r : rows) {
      Map<String, Long> reasons = new TreeMap<>(r.localReasons);
      reasons.remove("not-a-compile");
      long compiles = r.remote + r.local;
      String remote = r.remote + " (" + (compiles == 0 ? 0 : Math.round(100.0 * r.remote / compiles)) + "%)";
      String local = r.local + " " + reasons + "; " + r.links + " links";
      String identical = (r.objects - r.different.size()) + "/" + r.objects;
      sb.append(String.format(fmt, r.project, r.compiler, r.flags, r.objects, remote, local, r.repeated, identical,
          r.tests + " [" + r.seconds + " s]"));
    }
    for (Row r : rows) {
      if (!r.identical()) {
        sb.append(r.project).append(' ').append(r.compiler).append(' ').append(r.flags).append(" differs: ").append(r.whyDifferent).append('\n');
      }
    }
    return sb.toString();
  }

  static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
