package dev.vxcc.daemon.local;

import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.args.LocalReason;
import dev.vxcc.daemon.identity.CompilerIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where a compile goes, before anything runs: refused, local (and why), or remote with its recipe.
 * Owns what that needs to know about compilers: which this process trusts, their identities, and
 * which of them some servant has.
 */
final class Verdicts {
  private final Vertx vertx;
  private final DaemonConfig cfg;
  private final CompilerIdentity identities;
  /** Compiler digests some servant has; null while the scheduler is unreachable. */
  private final Supplier<Set<String>> clusterCompilers;
  /** Compiler probes run here, not on Vert.x's shared workers: a slow one must not hold up classification. */
  private final WorkerExecutor probes;
  private final TrustedCompilers trustedCompilers = TrustedCompilers.forThisProcess();

  Verdicts(Vertx vertx, DaemonConfig cfg, CompilerIdentity identities, Supplier<Set<String>> clusterCompilers, WorkerExecutor probes) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.identities = identities;
    this.clusterCompilers = clusterCompilers;
    this.probes = probes;
  }

  CompilerIdentity identities() {
    return identities;
  }

  TrustedCompilers trustedCompilers() {
    return trustedCompilers;
  }

  /** Names and versions of the compilers this daemon's builds used, by identity. */
  Map<String, String> compilerNames() {
    return identities.labels();
  }

  /**
   * Where a compile would go and why, with no effect on stats, quotas or tasks: shared by real
   * compiles and {@code vxcc --explain}.
   */
  Future<Verdict> decide(PeerIdentity caller, Frames f) {
    Path cwd = Path.of(f.text("cwd"));
    Path compiler = Path.of(f.text("compiler"));
    if (!cwd.isAbsolute() || !compiler.isAbsolute()) {
      return Future.succeededFuture(new Verdict.Refused("cwd and compiler must be absolute paths"));
    }
    Map<String, String> env = env(f.texts("env"));
    if ("0".equals(env.get("VXCC_DISTRIBUTE"))) {
      return Future.succeededFuture(new Verdict.Local(LocalReason.DISABLED_BY_ENV, false));
    }
    Set<String> available = clusterCompilers.get();
    String tool = f.text("tool", compiler.getFileName().toString());
    List<String> args = f.texts("arg");
    // Response files would be read with the daemon's privileges, and their words sent back to the
    // caller in the preprocess directive: only callers who could read anything get that.
    if (caller.uid() != 0 && args.stream().anyMatch(a -> a.startsWith("@"))) {
      return Future.succeededFuture(new Verdict.Local(LocalReason.RESPONSE_FILE, false));
    }
    // Classifying may read response files and look for precompiled headers: blocking, so on a worker;
    // a compiler probe (seconds, for a new installation) on the probe pool, so it never holds up others.
    return vertx.executeBlocking(() -> trustedCompilers.trusted(compiler) ? ArgumentClassifier.classify(tool, compiler, args, cwd, cfg.sourceTree()) : null, false)
        .compose(d -> {
          if (d == null) {
            return Future.succeededFuture(new Verdict.Local(LocalReason.UNTRUSTED_COMPILER, false));
          }
          if (d instanceof Decision.Local l) {
            return Future.succeededFuture(new Verdict.Local(l.reason(), l.lightweight()));
          }
          if (available == null) {
            return Future.succeededFuture(new Verdict.Local(LocalReason.SCHEDULER_UNREACHABLE, false));
          }
          return identities.of(compiler, probes).map(id -> available.contains(id.hex())
              ? new Verdict.Remote(compiler, id.hex(), (Decision.Remote) d, env)
              : (Verdict) new Verdict.Local(LocalReason.NO_SERVANT_FOR_COMPILER, false));
        })
        .otherwise(err -> new Verdict.Local(LocalReason.COMPILER_UNREADABLE, false));
  }

  private static Map<String, String> env(List<String> entries) {
    Map<String, String> env = new HashMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    return env;
  }
}
