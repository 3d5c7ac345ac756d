package dev.vxcc.daemon.servant;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.OutputFile;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.FileDigestCache;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.MakeRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Source mode: the user's exact argument vector runs in the user's working directory, with every
 * file the user's compile read at its original absolute path. Then whatever the compiler records
 * or prints about paths (DW_AT_name, DW_AT_comp_dir, DWARF 5 MD5 checksums, -g3 macros, prefix
 * maps, diagnostics with source snippets, __FILE__) is what a local compile records, with no
 * rewriting at all.
 *
 * <p>Why bubblewrap: measured on Debian 12 as root and as the unprivileged compiler user (after
 * setpriv), bwrap builds the whole namespace from one argument vector and execs the compiler
 * directly, so no shell or helper of ours ever interprets the user's arguments, and it works
 * unprivileged through a user namespace, so the existing prlimit + setpriv prefix stays in front
 * of it unchanged. Raw unshare + overlayfs + chroot needs either a shell script or a C helper to
 * sequence a dozen mounts, and overlayfs refuses "/" as a lower layer anyway.
 *
 * <p>The namespace: a fresh tmpfs root; the servant's system directories (/usr, /etc, /opt and the
 * merged-/usr links, plus the top directory of the compiler's installation) read-only; /dev and
 * /proc minimal; and every other top-level directory the task names (always /tmp) bound from the
 * job's private stage, where the daemon copied the task's files out of the {@link BlobStore}.
 * A task file inside a system directory is not copied: the servant's own file must have the
 * same digest, or the task is refused (different headers or compiler files would make a different
 * object). No network, pid, ipc or uts sharing; the namespace dies with the compiler.
 *
 * <p>Include resolution could still differ where the servant has a system header the user's
 * machine lacks (__has_include, #include_next): the compile's own dependency list is compared
 * with the task's files, and any difference fails the task as ours, so the delegate compiles
 * locally. gcc writes that list when SUNPRO_DEPENDENCIES is set (not recorded in the object);
 * clang does not honour it, so -MD -MF is appended (clang records no switches unless asked to
 * with -grecord-command-line, which then is refused). When the user's own argv already asks for a
 * full dependency list (-MD with -MF), that file is compared; with -MMD (no system headers listed)
 * the guard covers the user's files only.
 */
final class SourceTree {
  static final String BWRAP = "/usr/bin/bwrap";
  /** Candidates for the servant's read-only system directories. */
  static final List<String> SYSTEM_TOP = dev.vxcc.daemon.DaemonConstants.SOURCE_TREE_SYSTEM_DIRS;

  /** What the engine runs and later collects. */
  record Prepared(List<String> command, Path cwdOnHost, Map<String, String> env, Map<String, Path> outputs,
                  Path depFile, Set<String> expectedDeps, String cwd, boolean userDepsOnly, Set<String> unlisted) {}

  private SourceTree() {}

  /**
   * Blocking: lays out the stage below jobDir and builds the bwrap command (without the
   * sandbox prefix).
   *
   * @throws ExecutionEngine.BadTask for a task no servant can run
   * @throws ExecutionEngine.Unable for one this servant cannot run faithfully (another may)
   */
  static Prepared prepare(Path jobDir, TreeTask task, Path compiler, BlobStore blobs, FileDigestCache hostDigests,
                          Sandbox sandbox) throws IOException {
    Path stage = Files.createDirectory(jobDir.resolve("stage"));
    Map<String, String> system = systemTops(compiler);
    Map<String, Path> staged = new LinkedHashMap<>();
    staged.put("tmp", sandbox.ownDir(stage.resolve("tmp")));
    for (TreeTask.File f : task.files()) {
      Path p = Path.of(f.path());
      String top = p.getName(0).toString();
      if (system.containsKey(top)) {
        String ours = digestOrEmpty(hostDigests, p);
        if (!ours.equals(f.digest())) {
          throw new ExecutionEngine.Unable(f.path() + (ours.isEmpty() ? " does not exist" : " differs") + " on this servant");
        }
        continue;
      }
      Path target = stageDir(stage, staged, sandbox, p.getParent()).resolve(p.getFileName().toString());
      if (!blobs.copyTo(f.digest(), target)) {
        throw new ExecutionEngine.Unable("blob " + f.digest() + " is not stored on this servant");
      }
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(f.executable() ? "rwxr-xr-x" : "rw-r--r--"));
    }
    Path cwd = Path.of(task.cwd());
    // This servant's own layout is in the way (its compiler may live in that top-level directory),
    // not the task: declined, so the delegate tries another servant without blaming this one.
    if (system.containsKey(cwd.getName(0).toString())) {
      throw new ExecutionEngine.Unable("tree_cwd " + cwd + " lies in a system directory of this servant");
    }
    Path cwdOnHost = stageDir(stage, staged, sandbox, cwd);
    Map<String, Path> outputs = new LinkedHashMap<>();
    for (String o : task.outputs()) {
      Path p = Path.of(o);
      if (system.containsKey(p.getName(0).toString())) {
        throw new ExecutionEngine.Unable("tree_outputs names a system directory of this servant: " + o);
      }
      outputs.put(o, stageDir(stage, staged, sandbox, p.getParent()).resolve(p.getFileName().toString()));
    }

    List<String> cmd = new ArrayList<>(List.of(BWRAP, "--unshare-all", "--die-with-parent", "--new-session"));
    system.forEach((top, link) -> {
      if (link.isEmpty()) {
        cmd.addAll(List.of("--ro-bind", "/" + top, "/" + top));
      } else {
        cmd.addAll(List.of("--symlink", link, "/" + top));
      }
    });
    cmd.addAll(List.of("--dev", "/dev", "--proc", "/proc"));
    staged.forEach((top, dir) -> cmd.addAll(List.of("--bind", dir.toString(), "/" + top)));
    Path compilerDir = compiler.getParent();
    if (compilerDir != null && compilerDir.getNameCount() > 0 && !system.containsKey(compilerDir.getName(0).toString())) {
      // A compiler found outside the system directories (daemon.extraCompilerDirs) by a link or
      // wrapper name: its directory is visible at its own path, read-only, over the stage.
      cmd.addAll(List.of("--ro-bind", compilerDir.toString(), compilerDir.toString()));
    }
    cmd.addAll(List.of("--chdir", task.cwd(), "--", compiler.toString()));
    cmd.addAll(task.argv());

    Map<String, String> env = new LinkedHashMap<>();
    env.put("TMPDIR", "/tmp");
    env.put("HOME", "/tmp");
    for (String e : task.env()) {
      int eq = e.indexOf('=');
      env.put(e.substring(0, eq), e.substring(eq + 1));
    }
    Path depFile = null;
    boolean userDepsOnly = false;
    Set<String> unlisted = new TreeSet<>();
    Set<String> depOptions = depOptions(task.argv());
    if (depOptions.isEmpty()) {
      String inside = "/tmp/.vxcc-deps-" + jobDir.getFileName() + ".d";
      depFile = staged.get("tmp").resolve(inside.substring("/tmp/".length()));
      boolean clang = CompilerFamily.detect(compiler.getFileName().toString(), compiler).orElse(CompilerFamily.GCC) == CompilerFamily.CLANG;
      if (clang) {
        cmd.addAll(List.of("-MD", "-MF", inside));
      } else {
        // Not DEPENDENCIES_OUTPUT: that one leaves out system headers, like -MM. This one lists
        // them but leaves out the main source file itself, which is added back below.
        env.put("SUNPRO_DEPENDENCIES", inside);
        Path taskCwd = Path.of(task.cwd());
        for (String a : task.argv()) {
          if (!a.startsWith("-")) {
            unlisted.add(taskCwd.resolve(a).normalize().toString());
          }
        }
      }
    } else {
      String mf = dev.vxcc.daemon.args.MakeRule.lastValue(task.argv(), "-MF");
      if ((depOptions.contains("-MD") || depOptions.contains("-MMD")) && mf != null) {
        Path abs = cwd.resolve(mf).normalize();
        depFile = outputs.get(abs.toString());
        userDepsOnly = depOptions.contains("-MMD");
      }
    }
    Set<String> expected = new TreeSet<>();
    task.files().forEach(f -> expected.add(f.path()));
    unlisted.retainAll(expected);
    return new Prepared(List.copyOf(cmd), cwdOnHost, env, outputs, depFile, expected, task.cwd(), userDepsOnly, Set.copyOf(unlisted));
  }

  /**
   * After a successful compile: null when the compile read exactly the task's files, else why not.
   * Blocking.
   */
  static String depsProblem(Prepared p, Path stage) throws IOException {
    if (p.depFile() == null) {
      return null;
    }
    if (!Files.isRegularFile(p.depFile(), LinkOption.NOFOLLOW_LINKS) || !inside(p.depFile(), stage)) {
      return "the compile wrote no dependency list";
    }
    Set<String> read = new TreeSet<>();
    Path cwd = Path.of(p.cwd());
    for (String d : MakeRule.prerequisites(Files.readString(p.depFile(), StandardCharsets.ISO_8859_1))) {
      read.add(cwd.resolve(d).normalize().toString());
    }
    read.addAll(p.unlisted());
    Set<String> expected = p.expectedDeps();
    if (p.userDepsOnly()) {
      // -MMD leaves out system headers: compare what it does list.
      expected = new TreeSet<>(expected);
      expected.retainAll(read);
      if (!read.equals(expected)) {
        read.removeAll(p.expectedDeps());
        return "include resolution differs on this servant: it read " + read.iterator().next();
      }
      return null;
    }
    if (read.equals(expected)) {
      return null;
    }
    Set<String> extra = new TreeSet<>(read);
    extra.removeAll(expected);
    Set<String> lacking = new TreeSet<>(expected);
    lacking.removeAll(read);
    return "include resolution differs on this servant: " + (extra.isEmpty() ? "did not read " + lacking.iterator().next()
        : "read " + extra.iterator().next());
  }

  /**
   * Blocking: the compiler's exit code, stdout and stderr, and every listed output it left, also
   * after an error (gcc and clang keep the .d then), as a local compile leaves them.
   */
  static WaitTaskResponse result(Prepared p, Path workDir, int exit, java.util.function.UnaryOperator<byte[]> hide) throws IOException {
    Path io = workDir.resolve("io");
    Path stage = workDir.resolve("stage");
    WaitTaskResponse.Builder r = WaitTaskResponse.newBuilder()
        .setStatus(TaskStatus.TASK_STATUS_DONE)
        .setExitCode(exit)
        .setStdoutZstd(ByteString.copyFrom(Zstd.compress(hide.apply(Files.readAllBytes(io.resolve("stdout"))))))
        .setStderrZstd(ByteString.copyFrom(Zstd.compress(hide.apply(Files.readAllBytes(io.resolve("stderr"))))));
    for (Map.Entry<String, Path> o : p.outputs().entrySet()) {
      Path f = o.getValue();
      // Never follow a link the compiler's user may have planted: it would ship our files.
      if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && inside(f, stage)) {
        r.addFiles(OutputFile.newBuilder().setSuffix(o.getKey()).setDataZstd(ByteString.copyFrom(Zstd.compress(Files.readAllBytes(f)))));
      }
    }
    return r.build();
  }

  /** True when the real location of f lies below root (a link planted by the compiler's user does not). */
  static boolean inside(Path f, Path root) throws IOException {
    return f.toRealPath().startsWith(root.toRealPath());
  }

  /** The stage directory standing for an absolute path (created, writable by the compiler's user). */
  private static Path stageDir(Path stage, Map<String, Path> staged, Sandbox sandbox, Path abs) throws IOException {
    String top = abs.getName(0).toString();
    Path dir = staged.get(top);
    if (dir == null) {
      dir = sandbox.ownDir(stage.resolve(top));
      staged.put(top, dir);
    }
    for (int i = 1; i < abs.getNameCount(); i++) {
      dir = dir.resolve(abs.getName(i).toString());
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
          throw new ExecutionEngine.BadTask(abs + " is both a file and a directory in tree_files");
        }
        sandbox.ownDir(dir);
        // ownDir makes it private to the compiler's user; the compiler itself only needs that.
      }
    }
    return dir;
  }

  /** Top-level system directories of this host: "" for a directory, else the link's target. */
  static Map<String, String> systemTops(Path compiler) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>(SYSTEM_TOP);
    Path real = compiler.toRealPath();
    if (real.getNameCount() > 0) {
      names.add(real.getName(0).toString());
    }
    if (compiler.getNameCount() > 0) {
      names.add(compiler.getName(0).toString());
    }
    names.removeAll(TreeCheck.RESERVED_TOP);
    names.remove("tmp");
    for (String n : names) {
      Path p = Path.of("/", n);
      if (Files.isSymbolicLink(p)) {
        out.put(n, Files.readSymbolicLink(p).toString());
      } else if (Files.isDirectory(p)) {
        out.put(n, "");
      }
    }
    return out;
  }

  private static String digestOrEmpty(FileDigestCache digests, Path p) {
    try {
      return Files.isRegularFile(p) ? digests.digestOf(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static Set<String> depOptions(List<String> argv) {
    Set<String> out = new LinkedHashSet<>();
    for (String a : argv) {
      if (a.startsWith("-M")) {
        out.add(a.length() > 3 && a.startsWith("-MF") ? "-MF" : a);
      }
    }
    return out;
  }
}
