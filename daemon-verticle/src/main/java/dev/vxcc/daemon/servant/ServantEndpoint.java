package dev.vxcc.daemon.servant;

import dev.vxcc.api.v1.Ack;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.api.v1.QueueTaskResponse;
import dev.vxcc.api.v1.ServantService;
import dev.vxcc.api.v1.TaskRef;
import dev.vxcc.api.v1.WaitTaskRequest;
import dev.vxcc.api.v1.WaitTaskResponse;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** gRPC face of the execution engine: checks, then translates. */
final class ServantEndpoint extends ServantService {
  static final long MAX_WAIT_MS = 10_000;

  private final ExecutionEngine engine;
  private final CompilerRegistry compilers;
  private final Supplier<Set<String>> acceptableTokens;

  ServantEndpoint(ExecutionEngine engine, CompilerRegistry compilers, Supplier<Set<String>> acceptableTokens) {
    this.engine = engine;
    this.compilers = compilers;
    this.acceptableTokens = acceptableTokens;
  }

  private Optional<StatusException> denied(String token) {
    // Until the first heartbeat answer we know no token at all, so everything is refused.
    return acceptableTokens.get().contains(token)
        ? Optional.empty()
        : Optional.of(new StatusException(GrpcStatus.PERMISSION_DENIED, "invalid token"));
  }

  @Override
  public Future<QueueTaskResponse> queueTask(QueueTaskRequest req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    Optional<Path> compiler = compilers.pathOf(req.getCompilerDigest());
    if (compiler.isEmpty()) {
      return Future.failedFuture(new StatusException(GrpcStatus.FAILED_PRECONDITION, "no compiler with digest " + req.getCompilerDigest()));
    }
    Optional<String> refused = ServantArgsPolicy.check(req.getArgsList());
    if (refused.isPresent()) {
      return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, refused.get()));
    }
    String suffix = req.getOutputSuffix().isEmpty() ? ".o" : req.getOutputSuffix();
    if (!suffix.matches("\\.[A-Za-z0-9]{1,8}")) {
      return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, "bad output suffix " + suffix));
    }
    ExecutionEngine.FileInput fileInput = null;
    switch (req.getInputMode()) {
      case INPUT_MODE_STDIN -> { }
      case INPUT_MODE_FILE_AS_SOURCE -> {
        String bad = SourceInput.pathProblem(req.getInputPath());
        if (bad == null) {
          bad = SourceInput.cwdProblem(req.getClientCwd());
        }
        if (bad != null) {
          return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, bad));
        }
        fileInput = new ExecutionEngine.FileInput(req.getInputPath(), req.getClientCwd());
      }
      // A newer delegate asking for something this servant does not know must not get a stdin compile.
      default -> {
        return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, "unsupported input mode " + req.getInputModeValue()));
      }
    }
    return engine.queue(new ExecutionEngine.Job(compiler.get(), req.getCompilerDigest(), req.getArgsList(),
            req.getSourceZstd().toByteArray(), req.getGrantId(), req.getTaskDigest(), suffix, req.getDisallowCacheFill(), fileInput,
            epochProblem(req.getSourceDateEpoch()) ? "" : req.getSourceDateEpoch(), req.getSourcePath(),
            req.getKeyBaseDir(), req.getKeyCompilerPrefix()))
        .recover(err -> Future.failedFuture(err instanceof ExecutionEngine.Overloaded
            ? new StatusException(GrpcStatus.RESOURCE_EXHAUSTED, err.getMessage())
            : new StatusException(GrpcStatus.INTERNAL, String.valueOf(err.getMessage()))))
        .map(id -> QueueTaskResponse.newBuilder().setTaskId(id).build());
  }

  /** SOURCE_DATE_EPOCH is a decimal count of seconds; anything else is not passed to the compiler. */
  static boolean epochProblem(String epoch) {
    return epoch.isEmpty() || !epoch.matches("[0-9]{1,19}");
  }

  @Override
  public Future<WaitTaskResponse> waitTask(WaitTaskRequest req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    return engine.await(req.getTaskId(), Math.min(MAX_WAIT_MS, req.getWaitMs()));
  }

  @Override
  public Future<Ack> referenceTask(TaskRef req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    return engine.reference(req.getTaskId())
        ? Future.succeededFuture(Ack.getDefaultInstance())
        : Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "no task " + req.getTaskId()));
  }

  @Override
  public Future<Ack> freeTask(TaskRef req) {
    Optional<StatusException> d = denied(req.getToken());
    if (d.isPresent()) {
      return Future.failedFuture(d.get());
    }
    engine.free(req.getTaskId());
    return Future.succeededFuture(Ack.getDefaultInstance());
  }
}
