package dev.vxcc.daemon.local;

import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.MakeRule;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The namespace of a depend-mode compile ({@link HostCompile}): bubblewrap shows the whole file
 * system read-only at its own paths, so the compiler reads exactly what a local compile reads,
 * and puts a private stage directory over each output's directory, in which every entry of the
 * real directory is bound back read-only (symbolic links recreated as links). The compiler thus
 * writes its outputs, and only them, into the stage, at the paths the user's arguments name, and
 * the user's arguments run unchanged.
 */
final class HostTree {
  static final String BWRAP = "/usr/bin/bwrap";

  /**
   * @param command bwrap and the compiler (without the limits and user prefix)
   * @param outputs each output's absolute path and where it lands in the stage
   * @param depFile the stage path of the dependency list the compile writes
   * @param io where the compiler's stdout and stderr go (the daemon's alone)
   */
  record Prepared(List<String> command, Map<String, String> env, Map<String, Path> outputs, Path depFile, Path io) {}

  /** Why a compile cannot run this way (it then goes the usual in-place way). */
  static final class NotHere extends Exception {
    NotHere(String why) {
      super(why, null, false, false);
    }
  }

  private HostTree() {}

  /**
   * Blocking: lays out jobDir and builds the command.
   *
   * @param owner uid and gid the stage belongs to (the compiler's user), or -1 to leave them as created
   * @param env the compile's own environment (locale, SOURCE_DATE_EPOCH), as for a source tree
   */
  static Prepared prepare(Path jobDir, int ownerUid, int ownerGid, Path compiler, CompilerFamily family, List<String> argv,
      String cwd, List<String> outputs, List<String> env) throws IOException, NotHere {
    List<String> deps = depOptions(argv);
    if (deps.contains("-MMD") || (!deps.isEmpty() && !(deps.contains("-MD") && deps.contains("-MF")))) {
      // -MMD leaves out system headers, which the key must name; other forms name no full list we can read.
      throw new NotHere("dependency options " + deps);
    }
    Files.createDirectory(jobDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    Path io = Files.createDirectory(jobDir.resolve("io"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path stage = Files.createDirectory(jobDir.resolve("stage"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    // Parents before children, so a stage inside another's directory is mounted over the bound-back entry.
    TreeMap<Path, Path> dirs = new TreeMap<>();
    Map<String, Path> staged = new LinkedHashMap<>();
    for (String o : outputs) {
      Path p = Path.of(o);
      if (!p.isAbsolute() || !p.normalize().equals(p) || p.getParent() == null || p.getParent().getNameCount() == 0) {
        throw new NotHere("output " + o + " is not an absolute path below a directory");
      }
      Path dir = dirs.computeIfAbsent(p.getParent(), d -> stage.resolve("d" + dirs.size()));
      staged.put(o, dir.resolve(p.getFileName().toString()));
    }
    List<String> cmd = new ArrayList<>(List.of(BWRAP, "--unshare-all", "--die-with-parent", "--new-session",
        "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
    int entries = 0;
    for (Map.Entry<Path, Path> d : dirs.entrySet()) {
      Path real = d.getKey();
      if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new NotHere("output directory " + real + " is not a directory");
      }
      own(Files.createDirectory(d.getValue()), ownerUid, ownerGid);
      cmd.addAll(List.of("--bind", d.getValue().toString(), real.toString()));
      try (DirectoryStream<Path> s = Files.newDirectoryStream(real)) {
        for (Path e : s) {
          if (staged.containsKey(e.toString())) {
            continue;
          }
          if (++entries > dev.vxcc.daemon.DaemonConstants.HOST_MAX_BOUND_ENTRIES) {
            throw new NotHere("output directories hold more than " + dev.vxcc.daemon.DaemonConstants.HOST_MAX_BOUND_ENTRIES + " entries");
          }
          if (Files.isSymbolicLink(e)) {
            cmd.addAll(List.of("--symlink", Files.readSymbolicLink(e).toString(), e.toString()));
          } else {
            cmd.addAll(List.of("--ro-bind", e.toString(), e.toString()));
          }
        }
      }
    }
    // Temporary files and our dependency list: a directory of the first stage, unseen by anything else.
    Path firstReal = dirs.firstKey();
    String tmpName = ".vxcc-tmp-" + jobDir.getFileName();
    own(Files.createDirectory(dirs.firstEntry().getValue().resolve(tmpName)), ownerUid, ownerGid);
    String tmpInside = firstReal.resolve(tmpName).toString();
    cmd.addAll(List.of("--chdir", cwd, "--", compiler.toString()));
    cmd.addAll(argv);

    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("TMPDIR", tmpInside);
    environment.put("HOME", tmpInside);
    for (String e : env) {
      int eq = e.indexOf('=');
      environment.put(e.substring(0, eq), e.substring(eq + 1));
    }
    Path depFile;
    if (deps.isEmpty()) {
      String inside = tmpInside + "/deps.d";
      depFile = dirs.firstEntry().getValue().resolve(tmpName).resolve("deps.d");
      if (family == CompilerFamily.CLANG) {
        cmd.addAll(List.of("-MD", "-MF", inside));
      } else {
        // Lists system headers too (DEPENDENCIES_OUTPUT would not), but not the main file: the caller adds it.
        environment.put("SUNPRO_DEPENDENCIES", inside);
      }
    } else {
      String mf = MakeRule.lastValue(argv, "-MF");
      depFile = staged.get(Path.of(cwd).resolve(mf).normalize().toString());
      if (depFile == null) {
        throw new NotHere("the dependency file " + mf + " is not among the outputs");
      }
    }
    return new Prepared(List.copyOf(cmd), environment, Map.copyOf(staged), depFile, io);
  }

  private static void own(Path p, int uid, int gid) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    if (uid >= 0) {
      Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  private static List<String> depOptions(List<String> argv) {
    List<String> out = new ArrayList<>();
    for (String a : argv) {
      if (a.startsWith("-M")) {
        out.add(a.startsWith("-MF") ? "-MF" : a);
      } else if (a.startsWith("-Wp,") && a.contains("-M")) {
        out.add(a);
      }
    }
    return out;
  }

}
