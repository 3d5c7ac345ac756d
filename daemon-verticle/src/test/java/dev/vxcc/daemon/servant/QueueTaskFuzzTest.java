package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.daemon.args.FuzzArgs;
import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Whole QueueTaskRequest messages against the servant's task check. That check
 * ({@code TaskCheck.problem(QueueTaskRequest)}) arrives with branch sec/servant; this property is
 * looked up by name so that it runs as soon as the class exists and is skipped until then.
 */
class QueueTaskFuzzTest {
  private static final String OUT_DIR = "/srv/job/out/";

  private static final Gen<String> DIGEST = Gen.oneOf(r -> {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }, Gen.elements(List.of("", "../../etc/passwd", "A".repeat(64), "0".repeat(63), "0".repeat(65))), Gen.anyStrings(70));
  private static final Gen<String> SUFFIX = Gen.elements(List.of("", ".o", ".s", ".su", "o", "./x", ".o/..", "/.o",
      "../x", ".o\u0000", ".abcdefghi", ".", ".O2", ".o\n"));
  private static final Gen<String> TEXT = Gen.oneOf(Gen.elements(List.of("", "/home/u/proj", "relative", "/a\nb",
      "/x/../y", "-o", "@x")), Gen.anyStrings(40));

  private static Method taskCheck() {
    try {
      return Class.forName("dev.vxcc.daemon.servant.TaskCheck").getMethod("problem", QueueTaskRequest.class);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  @Test
  void acceptedTasksGiveHarmlessCommands() {
    Method check = taskCheck();
    assumeTrue(check != null, "TaskCheck.problem(QueueTaskRequest) not on this branch yet (sec/servant)");
    Fuzz.property("servant-queue-task").check(r -> {
      List<String> args = new ArrayList<>(FuzzArgs.argv(10).next(r));
      if (r.nextInt(4) > 0) {
        args.add(r.nextInt(args.size() + 1), "-c");
      }
      QueueTaskRequest.Builder b = QueueTaskRequest.newBuilder().setToken("t").setCompilerDigest(DIGEST.next(r))
          .setTaskDigest(DIGEST.next(r)).addAllArgs(args).setOutputSuffix(SUFFIX.next(r))
          .setSourceZstd(ByteString.copyFrom(Gen.bytes(32).next(r))).setSourcePath(TEXT.next(r))
          .setSourceDateEpoch(Gen.elements(List.of("", "0", "1700000000", "-1", "1e9", "9".repeat(30), "x")).next(r))
          .setKeyBaseDir(TEXT.next(r)).setKeyCompilerPrefix(TEXT.next(r));
      switch (r.nextInt(4)) {
        case 0 -> b.setInputMode(InputMode.INPUT_MODE_STDIN);
        case 1 -> b.setInputModeValue(2 + r.nextInt(100));
        default -> b.setInputMode(InputMode.INPUT_MODE_FILE_AS_SOURCE).setInputPath(
            Gen.oneOf(Gen.elements(FuzzArgs.SOURCES), TEXT).next(r)).setClientCwd(TEXT.next(r));
      }
      if (r.nextInt(3) == 0) {
        b.setInputPath(TEXT.next(r));
      }
      return b.build();
    }, req -> {
      Optional<?> problem;
      try {
        problem = (Optional<?>) check.invoke(null, req);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("TaskCheck.problem threw", e.getCause());
      }
      assertNotNull(problem);
      if (problem.isPresent()) {
        return;
      }
      String suffix = req.getOutputSuffix().isEmpty() ? ".o" : req.getOutputSuffix();
      assertTrue(suffix.matches("\\.[A-Za-z0-9]{1,8}"), "output suffix " + suffix);
      String out = OUT_DIR + "out" + suffix;
      List<String> command = new ArrayList<>(req.getArgsList());
      String operand;
      if (req.getInputMode() == InputMode.INPUT_MODE_FILE_AS_SOURCE) {
        assertNull(SourceInput.pathProblem(req.getInputPath()));
        assertNull(SourceInput.cwdProblem(req.getClientCwd()));
        operand = req.getInputPath().startsWith("/") ? "/srv/job/src/root" + req.getInputPath() : req.getInputPath();
        command.add("-fdebug-prefix-map=/srv/job/src/cwd=" + req.getClientCwd());
      } else {
        assertTrue(req.getInputMode() == InputMode.INPUT_MODE_STDIN, "unknown input mode accepted");
        operand = "-";
      }
      command.addAll(List.of(operand, "-o", out));
      assertNull(CompilerCommandJudge.problem(command, operand, out), () -> "accepted: " + req);
    });
  }
}
