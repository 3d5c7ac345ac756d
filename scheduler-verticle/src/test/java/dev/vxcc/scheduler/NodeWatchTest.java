package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeWatchTest {
  @Test
  void aMemberThatLeavesIsReportedOnce() {
    NodeWatch w = new NodeWatch();
    assertEquals(List.of(), w.poll(Set.of("a", "b"), Set.of()));
    assertEquals(List.of("b"), w.poll(Set.of("a"), Set.of()));
    assertEquals(List.of(), w.poll(Set.of("a"), Set.of()));
  }

  /** The case polls alone missed: the servant went with its 30 s lease instead of its node. */
  @Test
  void aNodeThatJoinedAndLeftBetweenTwoPollsIsReportedThroughItsServant() {
    NodeWatch w = new NodeWatch();
    assertEquals(List.of(), w.poll(Set.of("a"), Set.of()));
    // "b" joined, its servant registered and "b" left again, all since the last poll.
    assertEquals(List.of(), w.poll(Set.of("a"), Set.of("b")));
    assertEquals(List.of("b"), w.poll(Set.of("a"), Set.of("b")));
  }

  @Test
  void aServantWhoseNodeIsNotListedYetIsNotDroppedAtOnce() {
    NodeWatch w = new NodeWatch();
    assertEquals(List.of(), w.poll(Set.of("a"), Set.of("b")), "the heartbeat outran the member list");
    assertEquals(List.of(), w.poll(Set.of("a", "b"), Set.of("b")));
  }

  @Test
  void aResetWatchReportsNothingItSawBefore() {
    NodeWatch w = new NodeWatch();
    w.poll(Set.of("a", "b"), Set.of("b"));
    w.reset();
    assertEquals(List.of(), w.poll(Set.of(), Set.of()));
  }
}
