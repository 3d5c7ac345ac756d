package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.FailureCodes;
import dev.vxcc.common.bus.FreeRequest;
import dev.vxcc.common.bus.Grant;
import dev.vxcc.common.bus.GrantReply;
import dev.vxcc.common.bus.GrantRequest;
import dev.vxcc.common.bus.KeepAliveRequest;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.bus.ServantHeartbeat;
import dev.vxcc.common.bus.UnreachableReport;
import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The index picks exactly the servant the scan it replaced ({@link ScanningPolicy}) picks, through random
 * heartbeats (repeated ones too, which leave a servant filed where it is), grants, frees, expiries,
 * zombies, compiler sets, versions, loads, memory, hosts, servants reported unreachable and requests that
 * exclude servants; and the registry's running totals (the meters') equal the sums over its servants.
 * Few servants, hosts and digests, so that ties, shared machines and full clusters come up often.
 */
class ServantIndexTest {
  private static final long GIB = 1L << 30;
  private static final List<String> DIGESTS = List.of("gcc", "clang", "icc");
  /** Requests also ask for a compiler nobody has. */
  private static final List<String> ASKED = List.of("gcc", "clang", "icc", "none");
  private static final int SERVANTS = 8;
  private static final int HOSTS = 4;

  /** One servant's heartbeat; {@code reported} selects which of its grants it says it still runs. */
  record Beat(int servant, int host, int version, int cpus, int maxTasks, double load, long availableMemory,
      List<String> digests, boolean dedicated, long leaseMs, int reported, boolean sourceTree) {}

  /**
   * A request for {@code count} grants one after the other; host == HOSTS is a machine without servants;
   * bit i of {@code excluded} excludes servant i's location.
   */
  record Ask(String digest, int minVersion, int host, int count, int excluded, boolean sourceTree) {
    Ask(String digest, int minVersion, int host, int count) {
      this(digest, minVersion, host, count, 0, false);
    }

    List<String> excludedLocations() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < SERVANTS; i++) {
        if ((excluded >> i & 1) == 1) {
          out.add(location(i));
        }
      }
      return out;
    }
  }

  /** The servant's last heartbeat again, as most heartbeats are: nothing the policy looks at changed. */
  record Repeat(int servant) {}

  /** A delegate reports the servant unreachable. */
  record Suspect(int servant) {}

  record Free(int which) {}

  record Advance(long ms) {}

  record KeepAlive() {}

  record Scenario(long minMemoryBytes, List<Object> ops) {}

  @Test
  void indexChoosesWhatTheScanChooses() {
    Fuzz.property("servant index = scan").check(scenarios(), sc -> {
      ServantRegistry registry = new ServantRegistry(sc.minMemoryBytes());
      Instant now = Instant.parse("2026-01-01T00:00:00Z");
      Map<Integer, Beat> last = new HashMap<>();
      for (Object op : sc.ops()) {
        if (op instanceof Repeat rep) {
          op = last.containsKey(rep.servant()) ? last.get(rep.servant()) : op;
        }
        switch (op) {
          case Beat b -> {
            registry.update(heartbeat(b, List.of()), b.maxTasks(), "", now, now.plusMillis(b.leaseMs()));
            last.put(b.servant(), b);
          }
          case Ask a -> {
            for (int i = 0; i < a.count(); i++) {
              Optional<Servant> pick = checkedPick(registry, sc.minMemoryBytes(), a);
              pick.ifPresent(registry::assigned);
            }
          }
          case Free f -> {
            List<Servant> all = new ArrayList<>(registry.all());
            if (!all.isEmpty()) {
              registry.released(all.get(f.which() % all.size()));
            }
          }
          case Advance t -> {
            now = now.plusMillis(t.ms());
            registry.removeExpired(now);
          }
          case Suspect s -> {
            Servant servant = registry.get("s" + s.servant());
            if (servant != null) {
              registry.suspect(servant);
            }
          }
          default -> { }
        }
        checkedPick(registry, sc.minMemoryBytes(), new Ask("gcc", 0, 0, 1));
        checkedPick(registry, sc.minMemoryBytes(), new Ask("clang", 2, HOSTS, 1));
      }
    });
  }

  @Test
  void dispatcherGrantsWhatTheScanChooses() {
    Fuzz.property("dispatcher grant = scan").fraction(2).check(scenarios(), sc -> {
      FakeClock clock = new FakeClock();
      SchedulerConfig config = SchedulerConfig.fromJson(new JsonObject()
          .put("userTokens", List.of(Fixtures.USER)).put("servantTokens", List.of(Fixtures.SERVANT))
          .put("servantMinMemoryBytes", sc.minMemoryBytes()));
      TaskDispatcher d = new TaskDispatcher(config, clock);
      List<Grant> held = new ArrayList<>();
      Map<Integer, Beat> last = new HashMap<>();
      for (Object op : sc.ops()) {
        if (op instanceof Repeat rep) {
          op = last.containsKey(rep.servant()) ? last.get(rep.servant()) : op;
        }
        switch (op) {
          case Beat b -> {
            last.put(b.servant(), b);
            List<RunningTask> tasks = new ArrayList<>();
            for (int i = 0; i < held.size(); i++) {
              if (held.get(i).servantId().equals("s" + b.servant()) && (b.reported() >> (i % 8) & 1) == 1) {
                tasks.add(Fixtures.task(held.get(i).grantId()));
              }
            }
            d.heartbeat(heartbeat(b, tasks));
          }
          case Ask a -> {
            GrantRequest req = new GrantRequest(Fixtures.USER, host(a.host()), a.digest(), 1, 0, 0, 3_000, a.minVersion(),
                "", a.excludedLocations(), a.sourceTree());
            List<Servant> eligible = ScanningPolicy.eligible(d.servants().all(), a.digest(), a.minVersion(), a.sourceTree());
            Optional<Servant> expected =
                ScanningPolicy.choose(eligible, host(a.host()), sc.minMemoryBytes(), Set.copyOf(a.excludedLocations()));
            CompletableFuture<GrantReply> f = d.waitForGrants(req);
            if (eligible.isEmpty()) {
              assertEquals(FailureCodes.ENVIRONMENT_NOT_AVAILABLE, Outcomes.failure(f).code());
            } else if (expected.isEmpty()) {
              assertEquals(FailureCodes.NO_QUOTA, Outcomes.failure(f).code());
            } else {
              assertEquals(expected.get().id(), Outcomes.servantOf(f));
              held.add(f.join().grants().get(0));
            }
          }
          case Free f -> {
            if (!held.isEmpty()) {
              d.free(new FreeRequest(Fixtures.USER, List.of(held.remove(f.which() % held.size()).grantId())));
            }
          }
          case Advance t -> {
            clock.advanceMs(t.ms());
            d.sweep();
          }
          case KeepAlive k -> d.keepAlive(new KeepAliveRequest(Fixtures.USER, ids(held), 3_000));
          case Suspect s -> d.unreachable(new UnreachableReport(Fixtures.USER, "s" + s.servant(), location(s.servant()), "fuzz"));
          default -> { }
        }
        assertEquals(totalsOfView(d, sc.minMemoryBytes()), d.totals(), "meters' totals after " + op);
      }
    });
  }

  /** What the meters summed before the registry kept totals: a walk over every servant, as the view does. */
  private static ServantRegistry.Totals totalsOfView(TaskDispatcher d, long minMemoryBytes) {
    long capacity = 0;
    long running = 0;
    for (Servant s : d.servants().all()) {
      capacity += s.capacity(minMemoryBytes);
      running += s.running();
    }
    return new ServantRegistry.Totals(d.servants().size(), capacity, running);
  }

  /** The index's pick for {@code a}, after checking it, and whether any servant is eligible, against the scan. */
  private static Optional<Servant> checkedPick(ServantRegistry registry, long minMemoryBytes, Ask a) {
    List<Servant> eligible = ScanningPolicy.eligible(registry.all(), a.digest(), a.minVersion(), a.sourceTree());
    Set<String> excluded = Set.copyOf(a.excludedLocations());
    Optional<Servant> expected = ScanningPolicy.choose(eligible, host(a.host()), minMemoryBytes, excluded);
    String key = ServantPolicy.poolKey(a.digest(), a.sourceTree());
    Optional<Servant> actual = ServantPolicy.choose(registry.index(), key, a.minVersion(), host(a.host()), excluded);
    assertEquals(!eligible.isEmpty(), registry.index().anyEligible(key, a.minVersion()), "eligibility for " + a);
    assertEquals(expected.map(Servant::id), actual.map(Servant::id), "choice for " + a);
    assertTrue(actual.isEmpty() || actual.get() == expected.get(), "the registered servant itself");
    return actual;
  }

  private static Gen<Scenario> scenarios() {
    Gen<Object> op = Gen.frequency(
        5, (Gen<Object>) ServantIndexTest::beat,
        5, (Gen<Object>) r -> new Ask(ASKED.get(r.nextInt(ASKED.size())), r.nextInt(5), r.nextInt(HOSTS + 1),
            1 + r.nextInt(3), r.nextInt(3) == 0 ? r.nextInt(1 << SERVANTS) : 0, r.nextInt(3) == 0),
        1, (Gen<Object>) r -> new Suspect(r.nextInt(SERVANTS)),
        3, (Gen<Object>) r -> new Repeat(r.nextInt(SERVANTS)),
        3, (Gen<Object>) r -> new Free(r.nextInt(64)),
        1, (Gen<Object>) r -> new Advance(r.nextInt(4) * 1_500L),
        1, (Gen<Object>) r -> new KeepAlive());
    return r -> new Scenario(r.nextBoolean() ? 0 : GIB, Gen.lists(op, 80).next(r));
  }

  private static Beat beat(Random r) {
    List<String> digests = new ArrayList<>();
    for (String d : DIGESTS) {
      if (r.nextInt(3) > 0) {
        digests.add(d);
      }
    }
    if (!digests.isEmpty() && r.nextInt(8) == 0) {
      digests.add(digests.get(0)); // listed twice
    }
    long[] memory = {0, GIB / 2, GIB, 2 * GIB};
    long[] leases = {0, 2_000, 10_000, 10_000};
    return new Beat(r.nextInt(SERVANTS), r.nextInt(HOSTS), 1 + r.nextInt(3), r.nextInt(17),
        r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(12), r.nextInt(41) / 2.0, memory[r.nextInt(memory.length)],
        digests, r.nextInt(3) == 0, leases[r.nextInt(leases.length)], r.nextInt(256), r.nextBoolean());
  }

  private static ServantHeartbeat heartbeat(Beat b, List<RunningTask> tasks) {
    return new ServantHeartbeat(Fixtures.SERVANT, "s" + b.servant(), location(b.servant()), host(b.host()),
        b.version(), b.cpus(), b.maxTasks(), b.load(), b.availableMemory() > 0 ? 16 * GIB : 0, b.availableMemory(),
        b.digests(), b.dedicated(), "", tasks, b.leaseMs(), "",
        b.sourceTree() ? List.of(ServantHeartbeat.SOURCE_TREE) : List.of());
  }

  private static List<Long> ids(List<Grant> grants) {
    return grants.stream().map(Grant::grantId).toList();
  }

  private static String location(int servant) {
    return "s" + servant + ":8335";
  }

  private static String host(int i) {
    return "h" + i;
  }
}
