package dev.vxcc.e2e;

import dev.vxcc.testkit.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the chaos suite reads from the nodes' logs once a case is over: how long each scheduler
 * failover took, and whether reconnect attempts stopped after a fault healed. Read afterwards, from
 * the log lines' own timestamps, so nothing here waits on a loaded machine.
 */
final class ChaosChecks {
  /** The line a scheduler logs when it takes over (ActiveStandby). */
  static final String TOOK_OVER = "This scheduler is now the active one";
  /** The line a scheduler logs when it gives the role up (ActiveStandby). */
  static final String STOOD_BY = "This scheduler is now a standby";
  /** Vert.x's event bus logs this for every failed reconnect to a node it still believes in. */
  static final String RECONNECT_FAILED = "Connecting to server";

  /**
   * Hazelcast logs this on the side of a split that joins the other (MergeClustersOp): a member
   * the others dropped while it was frozen is back in their cluster once it has merged.
   */
  static final String MERGING = "is merging to";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private ChaosChecks() {}

  /** Epoch ms of a log line's leading timestamp (the nodes' JUL format), if it has one. */
  static OptionalLong stamp(String line) {
    if (line.length() < 23) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(LocalDateTime.parse(line.substring(0, 23), STAMP).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }

  /** Epoch ms of every line containing {@code text} in these nodes' logs. */
  static List<Long> times(Collection<NodeProcess> nodes, String text) throws IOException {
    List<Long> out = new ArrayList<>();
    for (NodeProcess n : nodes) {
      if (!Files.exists(n.log())) {
        continue;
      }
      for (String line : Files.readAllLines(n.log(), StandardCharsets.UTF_8)) {
        if (line.contains(text)) {
          stamp(line).ifPresent(out::add);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * For each kill (epoch ms), how long until some scheduler logged that it took over; -1 for a kill
   * nobody took over from before the case ended.
   */
  static List<Long> failovers(List<Long> kills, List<Long> takeovers) {
    List<Long> out = new ArrayList<>();
    for (long k : kills) {
      out.add(takeovers.stream().filter(t -> t >= k).findFirst().map(t -> t - k).orElse(-1L));
    }
    return out;
  }

  /** The first of these times after {@code since} (epoch ms), if any. */
  static OptionalLong firstAfter(List<Long> times, long since) {
    return times.stream().filter(t -> t > since).mapToLong(Long::longValue).findFirst();
  }

  /** How many of these times are after {@code since} (epoch ms). */
  static long after(List<Long> times, long since) {
    return times.stream().filter(t -> t > since).count();
  }
}
