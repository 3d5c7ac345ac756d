package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.Decision;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** When a compile that could go as preprocessed text goes as a source tree from the start. */
class TreeRoutingTest {
  private static final String GCC = "gcc-digest";
  private static final Path COMPILER = Path.of("/usr/bin/gcc");
  private static final List<String> ARGS = List.of("-O2", "-c", "a.c", "-o", "a.o");
  private static Vertx vertx;
  private static Path cwd;

  private long now = 1_000_000;
  private Set<String> view = Set.of(GCC, ClusterViewKeeper.sourceTreeKey(GCC), ClusterViewKeeper.onlyTreesKey(GCC));
  private boolean inPlace;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    cwd = Files.createTempDirectory("vxcc-routing");
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    LocalApiFixture.deleteTree(cwd);
  }

  private TreeRouting routing(boolean treeFirst) {
    return new TreeRouting(vertx, DaemonConfig.fromJson(new JsonObject().put("token", "t").put("sourceTreeFirst", treeFirst)),
        () -> view, d -> inPlace, () -> now);
  }

  private static boolean asTree(TreeRouting r, String baseDir) throws Exception {
    Decision d = ArgumentClassifier.classify("gcc", COMPILER, ARGS, cwd, true);
    Verdict.Remote v = new Verdict.Remote(COMPILER, GCC, (Decision.Remote) d, Map.of());
    Frames f = Frames.parse(Frames.builder().add("cwd", cwd.toString()).add("tool", "gcc").add("compiler", COMPILER.toString())
        .addAll("arg", ARGS).build());
    return r.atOnce(v, f, baseDir).await(30, TimeUnit.SECONDS).isPresent();
  }

  @Test
  void everyCompileGoesAsATreeWhereEveryServantWithTheCompilerRunsThem() throws Exception {
    assertTrue(asTree(routing(true), ""));
    assertFalse(asTree(routing(false), ""), "off: only compiles known to print go as trees");
    view = Set.of(GCC, ClusterViewKeeper.sourceTreeKey(GCC));
    assertFalse(asTree(routing(true), ""), "a servant without trees would get none of these compiles");
  }

  @Test
  void aBaseDirOrAnInPlaceRunKeepsThePreprocessedText() throws Exception {
    assertFalse(asTree(routing(true), cwd.toString()), "keys that ignore the checkout");
    inPlace = true;
    assertFalse(asTree(routing(true), ""), "this node's own servant runs the text without the network");
  }

  @Test
  void aCompilerWhoseTreeNoServantTookGoesAsTextForAWhile() throws Exception {
    TreeRouting r = routing(true);
    r.treeNotTaken(GCC);
    assertFalse(asTree(r, ""));
    now += DaemonConstants.TREE_NOT_TAKEN_BACKOFF_MS - 1;
    assertFalse(asTree(r, ""));
    now += 1;
    assertTrue(asTree(r, ""), "trees first again once the back-off is over");
  }
}
