package dev.vxcc.daemon.servant;

import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.bus.RunningTask;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.PhaseTimes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs compilers for other daemons. State lives on one event loop; the blocking parts (files,
 * fork/exec, compression) run on workers, and a running compiler costs no thread: its exit is
 * awaited through {@link Process#onExit()}.
 */
public final class ExecutionEngine {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutionEngine.class);
  /** Admission failure: the caller should try another servant. */
  public static final class Overloaded extends RuntimeException {
    Overloaded(String message) {
      super(message, null, false, false);
    }
  }

  /** The task itself is unacceptable (its source frame): no servant will take it. */
  public static final class BadTask extends RuntimeException {
    BadTask(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * This servant cannot run the task faithfully (a system file differs, a blob is missing, no source-tree
   * support) though another servant may: refused with FAILED_PRECONDITION, which the delegate does not
   * count against the servant as it counts a failure.
   */
  public static final class Unable extends RuntimeException {
    Unable(String message) {
      super(message, null, false, false);
    }
  }

  /** Told about every clean compile (exit 0, nothing printed; a source tree's may print): the shared cache's only writer. */
  public interface ResultListener {
    /** @param source the text the compiler read, decompressed once for both (never written to); null for a source tree */
    void compiled(ServantJob job, byte[] source, WaitTaskResponse result);
  }

  private final Vertx vertx;
  private final Path jobRoot;
  private final Sandbox sandbox;
  private final ServantLimits limits;
  private final SecureRandom random = new SecureRandom();
  private final int maxTasks;
  private final LongSupplier availableMemory;
  private final long minMemory;
  private final long timeoutMs;
  private final InstantSource clock;
  private final Map<Long, CompileJob> jobs = new HashMap<>();
  private ResultListener listener = (job, source, result) -> { };
  /** Set when this servant runs source-tree tasks (see {@link SourceTree}). */
  private BlobStore blobs;
  private dev.vxcc.common.util.FileDigestCache hostDigests;
  private long nextId = 1;
  private long runEver;
  private long inFlightBytes;
  private final PhaseTimes phases = new PhaseTimes(PhaseTimes.SERVANT);

  /**
   * @param jobRoot private to this servant: job directories below it have unguessable names and
   *                the root itself should not be listable by the compilers' user
   */
  public ExecutionEngine(Vertx vertx, Path jobRoot, int maxTasks, LongSupplier availableMemory, long minMemory, long timeoutMs,
                         InstantSource clock, Sandbox sandbox, ServantLimits limits) {
    this.vertx = vertx;
    this.jobRoot = jobRoot;
    this.sandbox = sandbox;
    this.limits = limits;
    this.maxTasks = maxTasks;
    this.availableMemory = availableMemory;
    this.minMemory = minMemory;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  public void onCleanResult(ResultListener l) {
    this.listener = l;
  }

  /** Per-phase times of the tasks run here (the servant's stats). */
  public PhaseTimes phases() {
    return phases;
  }

  /** Enables source-tree tasks: their files come from blobs, system files are checked against hostDigests. */
  void enableSourceTree(BlobStore blobs, dev.vxcc.common.util.FileDigestCache hostDigests) {
    this.blobs = blobs;
    this.hostDigests = hostDigests;
  }

  public boolean sourceTree() {
    return blobs != null;
  }

  public int maxTasks() {
    return maxTasks;
  }

  public long running() {
    return jobs.values().stream().filter(j -> !j.done()).count();
  }

  /** Running jobs of this machine's own delegate (in place) or, when not, of the scheduler's grants. */
  public int running(boolean inPlace) {
    return (int) jobs.values().stream().filter(j -> !j.done() && j.inPlace == inPlace).count();
  }

  /** Jobs running or with a result nobody has collected yet: a draining servant waits for 0. */
  public int held() {
    return jobs.size();
  }

  public Future<Long> queue(ServantJob job) {
    if (running() + 1 > maxTasks) {
      return Future.failedFuture(new Overloaded("servant is busy: " + running() + " of " + maxTasks + " slots in use"));
    }
    return admit(job, false);
  }

  /**
   * A task of this machine's own delegate, admitted by its local quota rather than our slots (which
   * are what we offer other machines); memory and buffer bounds still apply.
   */
  public Future<Long> queueInPlace(ServantJob job) {
    return admit(job, true);
  }

  private Future<Long> admit(ServantJob job, boolean inPlace) {
    long mem = availableMemory.getAsLong();
    if (mem > 0 && mem < minMemory) {
      return Future.failedFuture(new Overloaded("servant is short of memory: " + (mem >> 20) + " MiB available"));
    }
    if (job.tree() != null && blobs == null) {
      return Future.failedFuture(new Unable("this servant does not run source-tree tasks"));
    }
    long declared;
    try {
      // A source-tree task carries no text: its files are in the blob store already.
      declared = job.tree() != null ? 0 : Zstd.declaredSize(job.sourceZstd());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new BadTask("source_zstd is not a zstd frame"));
    }
    if (declared > limits.maxSourceBytes()) {
      return Future.failedFuture(new BadTask("source of " + declared + " bytes exceeds this servant's bound of " + limits.maxSourceBytes()));
    }
    // Reserved until the job finishes: what we hold now plus the most its text may become.
    long cost = job.sourceZstd().length + (declared >= 0 ? declared : limits.maxSourceBytes());
    if (inFlightBytes + cost > limits.inFlightBytes()) {
      return Future.failedFuture(new Overloaded("servant is short of buffer space: " + (inFlightBytes >> 20) + " MiB in flight"));
    }
    long id = nextId++;
    byte[] name = new byte[16];
    random.nextBytes(name);
    CompileJob cj = new CompileJob(id, job.grantId(), job.taskDigest(), jobRoot.resolve("job-" + HexFormat.of().formatHex(name)), clock.millis());
    cj.reservedBytes = cost;
    cj.inPlace = inPlace;
    inFlightBytes += cost;
    jobs.put(id, cj);
    runEver++;
    long queued = phases.now();
    return vertx.executeBlocking(() -> JobLauncher.start(cj, job, sandbox, limits, blobs, hostDigests), false)
        .onSuccess(p -> {
          cj.process = p;
          cj.startedNanos = phases.now();
          cj.queueMicros = (cj.startedNanos - queued) / 1000;
          phases.record(PhaseTimes.Phase.SERVANT_QUEUE, cj.startedNanos - queued);
          if (cj.killed) {
            kill(cj);
          }
          Future.fromCompletionStage(p.onExit(), vertx.getOrCreateContext())
              .timeout(timeoutMs, TimeUnit.MILLISECONDS)
              .transform(ar -> {
                long exited = phases.now();
                cj.compileMicros = (exited - cj.startedNanos) / 1000;
                phases.record(PhaseTimes.Phase.COMPILE, exited - cj.startedNanos);
                Integer exit = ar.succeeded() ? ar.result().exitValue() : null;
                return collect(cj, exit)
                    .onComplete(x -> phases.since(PhaseTimes.Phase.COLLECT, exited));
              })
              .onComplete(ar -> {
                if (ar.failed()) {
                  LOG.warn("task {}: outputs not collected: {}", cj.id, ar.cause().toString());
                }
                finish(cj, ar.succeeded() ? ar.result() : TaskResults.failure("outputs could not be collected"));
                byte[] source = cj.source;
                cj.source = null;
                // A tree result is stored with its stderr: it is the user's own compile's (TreeResults).
                boolean storable = job.tree() != null ? cj.result.getExitCode() == 0 : TaskResults.clean(cj.result) && source != null;
                if (!job.disallowCacheFill() && storable) {
                  listener.compiled(job, source, cj.result);
                }
              });
        })
        .recover(err -> {
          jobs.remove(id);
          release(cj);
          vertx.executeBlocking(() -> {
            JobRoot.deleteQuietly(cj.workDir);
            return null;
          }, false);
          if (err instanceof BadTask || err instanceof Unable) {
            return Future.failedFuture(err);
          }
          // The cause names our directories: it stays in our log.
          LOG.warn("task {} could not start: {}", id, err.toString());
          return Future.failedFuture(new IllegalStateException("servant could not start the compiler"));
        })
        .map(p -> id);
  }

  private void release(CompileJob cj) {
    inFlightBytes -= cj.reservedBytes;
    cj.reservedBytes = 0;
  }

  /** The job's answer once its compiler exited (exit null: it timed out), read on a worker. */
  private Future<WaitTaskResponse> collect(CompileJob cj, Integer exit) {
    if (exit == null) {
      kill(cj);
      return Future.succeededFuture(TaskResults.failure("compile timed out after " + timeoutMs + " ms"));
    }
    if (cj.killed) {
      return Future.succeededFuture(TaskResults.failure("task was cancelled"));
    }
    return vertx.executeBlocking(() -> cj.tree != null ? JobOutputs.ofTree(cj, exit) : JobOutputs.ofText(cj, exit), false);
  }

  private void finish(CompileJob cj, WaitTaskResponse result) {
    release(cj);
    cj.result = result;
    cj.finishedAt = clock.millis();
    cj.process = null;
    vertx.executeBlocking(() -> {
      JobRoot.deleteQuietly(cj.workDir);
      return null;
    }, false);
    wakeWaiters(cj);
    LOG.debug("task {} finished with exit code {}", cj.id, result.getExitCode());
  }

  /** Waiters remove themselves when woken, so wake a copy. */
  private static void wakeWaiters(CompileJob cj) {
    List<Promise<Void>> waiting = List.copyOf(cj.waiters);
    cj.waiters.clear();
    waiting.forEach(Promise::tryComplete);
  }

  /** Long-poll: the result when done within waitMs, else RUNNING; NOT_FOUND for unknown ids. */
  public Future<WaitTaskResponse> await(long id, long waitMs) {
    CompileJob cj = jobs.get(id);
    if (cj == null) {
      return Future.succeededFuture(WaitTaskResponse.newBuilder().setStatus(TaskStatus.TASK_STATUS_NOT_FOUND).build());
    }
    if (cj.done()) {
      return Future.succeededFuture(cj.result);
    }
    Promise<Void> p = Promise.promise();
    cj.waiters.add(p);
    long timer = vertx.setTimer(Math.max(1, waitMs), t -> p.tryComplete());
    return p.future().map(v -> {
      vertx.cancelTimer(timer);
      cj.waiters.remove(p);
      return cj.done() ? cj.result : WaitTaskResponse.newBuilder().setStatus(TaskStatus.TASK_STATUS_RUNNING).build();
    });
  }

  public boolean reference(long id) {
    CompileJob cj = jobs.get(id);
    if (cj == null) {
      return false;
    }
    cj.references++;
    return true;
  }

  /** Drops one reference; the last one forgets the job and kills it if it still runs. */
  public void free(long id) {
    CompileJob cj = jobs.get(id);
    if (cj != null && --cj.references <= 0) {
      forget(cj);
    }
  }

  /** The scheduler no longer knows these grants: whoever asked for them is gone. */
  public void killGrants(Collection<Long> grantIds) {
    for (CompileJob cj : List.copyOf(jobs.values())) {
      if (grantIds.contains(cj.grantId) && !cj.done()) {
        LOG.info("killing task {}: its grant {} expired", cj.id, cj.grantId);
        kill(cj);
      }
    }
  }

  /** Timer: forget results nobody collected. */
  public void cleanup() {
    long now = clock.millis();
    for (CompileJob cj : List.copyOf(jobs.values())) {
      if (cj.done() && now - cj.finishedAt > DaemonConstants.SERVANT_RETAIN_DONE_MS) {
        forget(cj);
      }
    }
  }

  private void forget(CompileJob cj) {
    jobs.remove(cj.id);
    kill(cj);
    wakeWaiters(cj);
  }

  /** Kills every running compiler; done once each has been sent its signal. */
  public Future<Void> killAll() {
    return Future.all(jobs.values().stream().map(this::kill).toList()).mapEmpty();
  }

  /** The signal is cheap, but finding the compiler's children walks /proc: a worker's job. */
  private Future<Void> kill(CompileJob cj) {
    Process p = cj.markKilled();
    if (p == null) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      CompileJob.destroyTree(p);
      return null;
    }, false).otherwiseEmpty();
  }

  public List<RunningTask> runningTasks(String location) {
    return jobs.values().stream()
        .filter(j -> !j.inPlace)
        .sorted(Comparator.comparingLong(j -> j.id))
        .map(j -> new RunningTask(j.grantId, j.id, location, j.taskDigest))
        .toList();
  }

  public long tasksRunEver() {
    return runEver;
  }
}
