package dev.vxcc.daemon.servant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a stranger's compile runs: through util-linux {@code prlimit} (no core dumps, bounded CPU
 * time and address space) and, when the daemon is root, {@code setpriv} to an unprivileged user
 * without supplementary groups and with no_new_privs. Both exec the next program directly, so no
 * shell ever sees the arguments.
 *
 * @param prefix prepended to every compiler command
 * @param uid owner of the directories the compiler writes, or -1 to leave them as created
 * @param gid their group, or -1
 * @param compilersAsRoot true when compilers would run with uid 0
 * @param why one line for the log: who runs compilers, or why they would run as root
 */
public record Sandbox(List<String> prefix, int uid, int gid, boolean compilersAsRoot, String why) {
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
  private static final List<Path> TOOL_DIRS = List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/sbin"), Path.of("/sbin"));

  /** No confinement at all: for tests that must not depend on util-linux. */
  public static Sandbox none() {
    return new Sandbox(List.of(), -1, -1, false, "unconfined");
  }

  public List<String> command(List<String> cmd) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(cmd);
    return all;
  }

  /** The resource limits alone (prlimit up to its "--"), without the change of user: empty without prlimit. */
  public List<String> limitsPrefix() {
    int end = prefix.indexOf("--");
    return end > 0 && prefix.get(0).endsWith("/prlimit") ? List.copyOf(prefix.subList(0, end + 1)) : List.of();
  }

  /** Creates a directory the compiler must write (output, temp), owned by it; nobody else may enter it. */
  public Path ownDir(Path dir) throws IOException {
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (uid >= 0) {
      Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
    return dir;
  }

  /** Blocking: looks up the tools and the user once, at servant start. */
  public static Sandbox resolve(ServantLimits limits) {
    List<String> prefix = new ArrayList<>();
    Path prlimit = tool("prlimit");
    if (prlimit != null) {
      prefix.add(prlimit.toString());
      prefix.add("--core=0");
      if (limits.cpuSeconds() > 0) {
        prefix.add("--cpu=" + limits.cpuSeconds());
      }
      if (limits.addressSpaceBytes() > 0) {
        prefix.add("--as=" + limits.addressSpaceBytes());
      }
      prefix.add("--");
    } else {
      LOG.warn("util-linux prlimit not found: remote compiles run without core, CPU and memory limits");
    }
    if (daemonUid() != 0) {
      return new Sandbox(List.copyOf(prefix), -1, -1, false, "compilers run as the daemon's own user");
    }
    if (limits.user().isEmpty()) {
      return new Sandbox(List.copyOf(prefix), -1, -1, true, "daemon.servantUser is empty");
    }
    Path setpriv = tool("setpriv");
    if (setpriv == null) {
      return new Sandbox(List.copyOf(prefix), -1, -1, true, "util-linux setpriv not found");
    }
    int uid = id(limits.user(), "-u");
    int gid = id(limits.user(), "-g");
    if (uid < 0 || gid < 0) {
      return new Sandbox(List.copyOf(prefix), -1, -1, true, "daemon.servantUser " + limits.user() + " does not exist");
    }
    if (uid == 0) {
      return new Sandbox(List.copyOf(prefix), -1, -1, true, "daemon.servantUser " + limits.user() + " is root");
    }
    prefix.addAll(List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--no-new-privs", "--"));
    return new Sandbox(List.copyOf(prefix), uid, gid, false, "compilers run as " + limits.user() + " (uid " + uid + ")");
  }

  private static Path tool(String name) {
    return TOOL_DIRS.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst().orElse(null);
  }

  public static int daemonUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name")) ? 0 : -1;
    }
  }

  /** Through id(1), so NSS users work too; a number id(1) does not know is taken as both ids. */
  private static int id(String user, String which) {
    int asked = lookup(user, which);
    return asked < 0 && user.matches("[0-9]{1,9}") ? Integer.parseInt(user) : asked;
  }

  private static int lookup(String user, String which) {
    Path id = tool("id");
    if (id == null) {
      return -1;
    }
    try {
      Process p = new ProcessBuilder(id.toString(), which, "--", user).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readNBytes(64), StandardCharsets.US_ASCII).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue() == 0 && out.matches("[0-9]{1,9}") ? Integer.parseInt(out) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
