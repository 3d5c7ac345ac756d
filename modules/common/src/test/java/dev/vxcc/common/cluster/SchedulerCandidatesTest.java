package dev.vxcc.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulerCandidatesTest {
  @Test
  void theOldestLiveCandidateIsActive() {
    assertEquals(Optional.of("b"), SchedulerCandidates.active(List.of("daemon", "b", "c"), Set.of("c", "b")));
  }

  @Test
  void whenTheActiveDiesTheNextOldestTakesOver() {
    assertTrue(SchedulerCandidates.isActive("c", List.of("daemon", "c"), Set.of("b", "c")),
        "a dead node's lingering entry must not block the takeover");
  }

  @Test
  void aRestartedNodeJoinsAsYoungestAndStaysStandby() {
    assertFalse(SchedulerCandidates.isActive("b2", List.of("c", "daemon", "b2"), Set.of("b2", "c")));
  }

  @Test
  void noLiveCandidateMeansNoActive() {
    assertEquals(Optional.empty(), SchedulerCandidates.active(List.of("daemon"), Set.of("gone")));
  }
}
