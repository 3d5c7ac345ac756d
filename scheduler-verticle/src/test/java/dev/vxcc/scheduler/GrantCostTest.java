package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A grant costs the same in a cluster of 10,000 servants as in one of 50, from empty until full: the
 * index's walks (counted by {@link ServantIndex#examined}, not timed) look at no more pools and servants
 * than the daemon versions, the requester's own machine and its exclusions account for; the rest is the
 * sorted sets' O(log n). A scan, as before the index, would look at most of a nearly full cluster.
 */
class GrantCostTest {
  private static final int VERSIONS = 3;
  private static final int PER_HOST = 4;
  private static final int EXCLUDED = 2;
  /**
   * Per grant: the exclusion check (the pools, then each exclusion), two walks over the pools that each
   * skip at most the requester's machine's servants and the excluded ones, and a pass over that machine.
   */
  private static final long BOUND = VERSIONS + EXCLUDED + 2L * VERSIONS * (1 + PER_HOST + EXCLUDED + 1) + PER_HOST;

  @Test
  void aGrantLooksAtNoMoreServantsInAHugeClusterThanInASmallOne() {
    Fill small = fill(50);
    Fill huge = fill(10_000);
    assertTrue(small.grants() > 50 && huge.grants() > 10_000, "both clusters filled: " + small + ", " + huge);
    assertTrue(small.worstExamined() <= BOUND, "small cluster: " + small + " > " + BOUND);
    assertTrue(huge.worstExamined() <= BOUND, "huge cluster: " + huge + " > " + BOUND);
  }

  record Fill(long grants, long worstExamined) {}

  /**
   * Grants one slot at a time, from random machines of the cluster (whose own servants rank first as
   * often as not) with two random exclusions and a random minimum version, freeing a quarter on the way,
   * until a request that any version may serve finds the cluster full.
   */
  private static Fill fill(int servants) {
    Random r = new Random(0x5eed + servants);
    SchedulerConfig config = SchedulerConfig.fromJson(new JsonObject()
        .put("userTokens", List.of(Fixtures.USER)).put("servantTokens", List.of(Fixtures.SERVANT))
        .put("maxGrantsPerToken", Integer.MAX_VALUE));
    TaskDispatcher d = new TaskDispatcher(config, new FakeClock());
    for (int i = 0; i < servants; i++) {
      d.heartbeat(Fixtures.servant("s" + i).host("h" + i / PER_HOST).version(1 + r.nextInt(VERSIONS))
          .cpus(1 + r.nextInt(4)).maxTasks(1 + r.nextInt(4)).load(r.nextInt(2)).dedicated(r.nextBoolean()).build());
    }
    ServantIndex index = d.servants().index();
    int hosts = (servants + PER_HOST - 1) / PER_HOST;
    List<Long> held = new ArrayList<>();
    long grants = 0;
    long worst = 0;
    while (true) {
      List<String> excluded = new ArrayList<>();
      for (int k = 0; k < EXCLUDED; k++) {
        excluded.add("s" + r.nextInt(servants) + ":8335");
      }
      int minVersion = r.nextInt(VERSIONS + 1);
      GrantRequest req = new GrantRequest(Fixtures.USER, "h" + r.nextInt(hosts), Fixtures.GCC, 1, 0, 0, 15_000,
          minVersion, "", excluded);
      long before = index.examined();
      CompletableFuture<GrantReply> f = d.waitForGrants(req);
      worst = Math.max(worst, index.examined() - before);
      if (f.isCompletedExceptionally()) {
        assertEquals(FailureCodes.NO_QUOTA, Outcomes.failure(f).code());
        if (minVersion == 0) {
          return new Fill(grants, worst);
        }
        continue;
      }
      held.add(f.join().grants().get(0).grantId());
      grants++;
      if (r.nextInt(4) == 0) {
        d.free(Fixtures.free(held.remove(r.nextInt(held.size()))));
      }
    }
  }
}
