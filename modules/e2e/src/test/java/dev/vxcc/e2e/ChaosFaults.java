package dev.vxcc.e2e;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the chaos suite hurts a node: signals to its whole process tree (the launcher script and
 * its JVM), and a partition made with iptables on loopback. Every rule added is removed again by
 * {@link Partition#close}, also when the case fails.
 */
final class ChaosFaults {
  private ChaosFaults() {}

  /** The node's launcher and every process under it. */
  static List<Long> tree(NodeProcess node) {
    List<Long> pids = new ArrayList<>();
    ProcessHandle.of(node.pid()).ifPresent(h -> {
      pids.add(h.pid());
      h.descendants().forEach(d -> pids.add(d.pid()));
    });
    return pids;
  }

  static void signal(NodeProcess node, String signal) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
    tree(node).forEach(p -> cmd.add(Long.toString(p)));
    Commands.run(Path.of("/"), Map.of(), 30, cmd);
  }

  /** Why a partition cannot be made here, or null when it can. */
  static String partitionUnavailable() {
    try {
      Commands.Result r = Commands.run(Path.of("/"), Map.of(), 30, List.of("iptables", "-w", "-L", "INPUT", "-n"));
      return r.exit() == 0 ? null : "iptables does not work here: " + r.stderr().trim();
    } catch (IOException | InterruptedException e) {
      return "iptables is not installed";
    }
  }

  /** Where cgroup v2 is mounted (the unified hierarchy), or null: iptables matches a cgroup only there. */
  static Path cgroup2() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].equals("cgroup2")) {
          return Path.of(f[1]);
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /**
   * Cuts a node off on loopback: every TCP port it uses (its listening ports and the local ends of
   * its connections) is dropped in both directions, and, where cgroup v2 is mounted, everything its
   * processes send on loopback is dropped too (its processes moved to a cgroup of their own, which
   * an OUTPUT rule matches), so a connection it opens after the cut gets nowhere either. Without
   * cgroup v2 such a connection gets through until the next {@link #refresh} cuts its port (up to a
   * second): enough for Hazelcast to merge in the middle of the cut and split again.
   */
  static final class Partition implements AutoCloseable {
    private static final Pattern SOCKET = Pattern.compile("^\\S+\\s+\\S+\\s+\\S+\\s+\\S+:(\\d+)\\s+\\S+.*pid=(\\d+),");
    private final NodeProcess node;
    private final Set<Integer> cut = new TreeSet<>();
    private final Path root = cgroup2();
    private Path group;

    Partition(NodeProcess node) throws IOException, InterruptedException {
      this.node = node;
      if (root != null) {
        Path g = root.resolve("vxcc-chaos-" + node.pid());
        try {
          Files.createDirectories(g);
          for (long pid : tree(node)) {
            move(pid, g);
          }
          group = g;
          outputRule("-I");
        } catch (IOException | AssertionError e) {
          // A cgroup this machine will not let us make or fill (a container's read-only hierarchy),
          // or an iptables without the cgroup match: the port rules alone still cut the node, with
          // the leak described above.
          for (String pid : Files.exists(g) ? Files.readAllLines(g.resolve("cgroup.procs")) : List.<String>of()) {
            move(Long.parseLong(pid.trim()), root);
          }
          Files.deleteIfExists(g);
          group = null;
        }
      }
      refresh();
    }

    /** A process that has ended meanwhile needs no moving. */
    private static void move(long pid, Path to) throws IOException {
      try {
        Files.writeString(to.resolve("cgroup.procs"), Long.toString(pid));
      } catch (IOException e) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          throw e;
        }
      }
    }

    /** Whether the node's own new connections are cut at once (cgroup v2), or only from the next refresh. */
    boolean whole() {
      return group != null;
    }

    private void outputRule(String op) throws IOException, InterruptedException {
      Commands.run(Path.of("/"), Map.of(), 30, List.of("iptables", "-w", op, "OUTPUT", "-o", "lo", "-m", "cgroup", "--path",
          root.relativize(group).toString(), "-j", "DROP")).orFail("iptables " + op + " OUTPUT cgroup " + group);
    }

    void refresh() throws IOException, InterruptedException {
      Set<Long> pids = Set.copyOf(tree(node));
      String ss = Commands.run(Path.of("/"), Map.of(), 30, List.of("ss", "-tanpH")).orFail("ss").stdout();
      for (String line : ss.split("\n")) {
        Matcher m = SOCKET.matcher(line);
        if (m.find() && pids.contains(Long.parseLong(m.group(2)))) {
          int port = Integer.parseInt(m.group(1));
          if (cut.add(port)) {
            rule("-I", port);
          }
        }
      }
    }

    private static void rule(String op, int port) throws IOException, InterruptedException {
      for (String dir : List.of("--dport", "--sport")) {
        Commands.run(Path.of("/"), Map.of(), 30, List.of("iptables", "-w", op, "INPUT", "-i", "lo", "-p", "tcp", dir, Integer.toString(port), "-j", "DROP"))
            .orFail("iptables " + op + " " + dir + " " + port);
      }
    }

    int ports() {
      return cut.size();
    }

    /** Heals the partition: every rule this added is deleted, and the node's processes leave the cgroup. */
    @Override
    public void close() throws IOException, InterruptedException {
      if (group != null) {
        try {
          outputRule("-D");
        } finally {
          for (String pid : Files.readAllLines(group.resolve("cgroup.procs"))) {
            move(Long.parseLong(pid.trim()), root);
          }
          Files.delete(group);
          group = null;
        }
      }
      for (int port : cut) {
        rule("-D", port);
      }
      cut.clear();
    }
  }

  /** A tmpfs of the given size at dir, for a cache store that runs out of space; null with the reason when it cannot be mounted. */
  static String mountSmallTmpfs(Path dir, String size) throws IOException, InterruptedException {
    Commands.Result r = Commands.run(Path.of("/"), Map.of(), 30, List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()));
    return r.exit() == 0 ? null : "cannot mount a tmpfs: " + r.stderr().trim();
  }

  static void unmount(Path dir) throws IOException, InterruptedException {
    Commands.run(Path.of("/"), Map.of(), 30, List.of("umount", "-l", dir.toString()));
  }
}
