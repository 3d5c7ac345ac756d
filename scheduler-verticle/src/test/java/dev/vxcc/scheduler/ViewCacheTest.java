package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

/**
 * The view served on the bus is at most {@link SchedulerConfig#VIEW_MAX_AGE_MS} old, never misses a
 * servant that joined or left, and never reaches an audience that may see less than the one it was built
 * for.
 */
class ViewCacheTest {
  private final FakeClock clock = new FakeClock();
  private final TaskDispatcher dispatcher = new TaskDispatcher(Fixtures.config(), clock);
  private final ViewCache views = new ViewCache(Fixtures.config(), clock, dispatcher);

  @Test
  void joinsAndLeavesShowAtOnceOtherChangesOnceTheViewIsOlderThanItsMaxAge() {
    dispatcher.heartbeat(Fixtures.servant("s1").build());
    assertEquals(1, servants().size());
    dispatcher.heartbeat(Fixtures.servant("s2").build());
    assertEquals(2, servants().size(), "a servant that joined, at once");

    Outcomes.grants(dispatcher.waitForGrants(Fixtures.request(1, 0, 0)));
    clock.advanceMs(SchedulerConfig.VIEW_MAX_AGE_MS - 1);
    assertEquals(0, running(), "still the view built a moment ago");
    clock.advanceMs(1);
    assertEquals(1, running());

    clock.advanceMs(10_000);
    dispatcher.sweep();
    assertEquals(0, servants().size(), "servants whose lease ran out, at once");
  }

  @Test
  void eachAudienceGetsItsOwnViewAndUnknownTokensShareTheAnonymousOne() {
    dispatcher.heartbeat(Fixtures.servant("s1").build());
    long id = Outcomes.grants(dispatcher.waitForGrants(Fixtures.request(1, 0, 0))).get(0).grantId();
    dispatcher.heartbeat(Fixtures.servant("s1").tasks(Fixtures.task(id)).build());

    ClusterView user = ClusterView.fromJson(views.view(Fixtures.USER));
    assertEquals(1, user.runningTasks().size());
    assertEquals(32, user.servingToken().length());
    for (String token : new String[] {"", "nope", Fixtures.SERVANT}) {
      ClusterView v = ClusterView.fromJson(views.view(token));
      assertEquals("", v.servingToken(), "no serving token for " + token);
    }
    assertEquals(0, ClusterView.fromJson(views.view("nope")).runningTasks().size());
    assertEquals(1, ClusterView.fromJson(views.view(Fixtures.SERVANT)).runningTasks().size());
    assertSame(views.view(""), views.view("another stranger"), "one entry for every stranger");
  }

  private JsonArray servants() {
    return ClusterView.fromJson(views.view("")).servants();
  }

  private int running() {
    int n = 0;
    for (int i = 0; i < servants().size(); i++) {
      n += servants().getJsonObject(i).getInteger("running");
    }
    return n;
  }
}
