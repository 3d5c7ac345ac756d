package dev.vxcc.e2e;

import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.NodeProcess;
import java.io.IOException;
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

  /**
   * Cuts every TCP port a node uses on loopback (its listening ports and the local ends of its
   * connections) in both directions. A connection the node opens after the cut gets its own port
   * dropped at the next {@link #refresh}, so it may get through for up to one refresh period.
   */
  static final class Partition implements AutoCloseable {
    private static final Pattern SOCKET = Pattern.compile("^\\S+\\s+\\S+\\s+\\S+\\s+\\S+:(\\d+)\\s+\\S+.*pid=(\\d+),");
    private final NodeProcess node;
    private final Set<Integer> cut = new TreeSet<>();

    Partition(NodeProcess node) throws IOException, InterruptedException {
      this.node = node;
      refresh();
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

    /** Heals the partition: every rule this added is deleted. */
    @Override
    public void close() throws IOException, InterruptedException {
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
