package dev.vxcc.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -watch-conf}: the -conf file is read again every {@link #PERIOD_MS}; a changed one is
 * validated by the roles' parsers and the roles whose section changed are redeployed with it. An
 * invalid one is refused with one log line and the running configuration stays. Polled rather
 * than watched with inotify: editors replace files by renaming, which a watch on the file loses,
 * and reading one small file a second costs nothing.
 */
final class ConfWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ConfWatcher.class);
  static final long PERIOD_MS = 1_000;

  private final Vertx vertx;
  private final Path file;
  private final RoleDeployments roles;
  private final Function<JsonObject, JsonObject> effective;
  private String seen;
  private boolean busy;
  private long timer = -1;
  private int refused;

  ConfWatcher(Vertx vertx, Path file, String initialText, RoleDeployments roles, Function<JsonObject, JsonObject> effective) {
    this.vertx = vertx;
    this.file = file;
    this.seen = initialText;
    this.roles = roles;
    this.effective = effective;
  }

  static String read(Path file) throws java.io.IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  void start() {
    timer = vertx.setPeriodic(PERIOD_MS, t -> check());
    LOG.info("watching {} for configuration changes", file);
  }

  /** How many edits were refused so far. */
  int refused() {
    return refused;
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void check() {
    if (busy) {
      return;
    }
    busy = true;
    vertx.executeBlocking(() -> read(file), false)
        .compose(this::apply)
        .onComplete(ar -> busy = false);
  }

  private Future<?> apply(String text) {
    // A file that is gone (being replaced) or unchanged is not a change.
    if (text == null || text.equals(seen)) {
      return Future.succeededFuture();
    }
    seen = text;
    JsonObject next;
    List<String> changed;
    try {
      next = effective.apply(parse(text));
      changed = roles.changedRoles(next);
      ConfigCheck.validate(next, changed);
    } catch (RuntimeException e) {
      refused++;
      LOG.warn("configuration change in {} refused, the running configuration stays: {}", file, e.getMessage());
      return Future.succeededFuture();
    }
    if (changed.isEmpty()) {
      LOG.info("{} changed, but no role's section did (other settings need a restart)", file);
      return Future.succeededFuture();
    }
    LOG.info("{} changed: redeploying {}", file, changed);
    Future<?> chain = Future.succeededFuture();
    for (String role : changed) {
      chain = chain.compose(v -> roles.redeploy(role, next).onSuccess(LOG::info).recover(e -> Future.succeededFuture()));
    }
    return chain;
  }

  private static JsonObject parse(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
    }
  }
}
