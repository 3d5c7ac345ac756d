package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.InputMode;
import dev.vxcc.api.v1.QueueTaskRequest;
import dev.vxcc.daemon.args.FuzzArgs;
import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whole QueueTaskRequest messages against {@link TaskCheck}, judged like the separate checks are. */
class QueueTaskFuzzTest {
  private static final String OUT_DIR = "/srv/job/out/";

  private static final Gen<String> HEX = r -> {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  };
  private static final Gen<String> BAD_DIGEST = Gen.oneOf(Gen.elements(List.of("", "../../etc/passwd", "A".repeat(64),
      "0".repeat(63), "0".repeat(65))), Gen.anyStrings(70));
  private static final Gen<String> BAD_SUFFIX = Gen.elements(List.of("o", "./x", ".o/..", "/.o", "../x", ".o\u0000",
      ".abcdefghi", ".", ".o\n"));
  private static final Gen<String> BAD_TEXT = Gen.oneOf(Gen.elements(List.of("relative", "/a\nb", "-o", "@x")),
      Gen.anyStrings(40));
  private static final Gen<String> ROOT = Gen.elements(List.of("", "/home/u/proj", "/x/../y", "/a=b", "/-o", "/@x"));

  /** Each field is usually well-formed and sometimes hostile, so that whole messages get accepted too. */
  private static <T> T field(Random r, Gen<? extends T> good, Gen<? extends T> bad) {
    return r.nextInt(8) == 0 ? bad.next(r) : good.next(r);
  }

  @Test
  void acceptedTasksGiveHarmlessCommands() {
    int[] accepted = {0};
    Fuzz.property("servant-queue-task").check(r -> {
      List<String> args = new ArrayList<>(FuzzArgs.argv(10).next(r));
      if (r.nextInt(4) > 0) {
        args.add(r.nextInt(args.size() + 1), "-c");
      }
      QueueTaskRequest.Builder b = QueueTaskRequest.newBuilder().setToken("t")
          .setCompilerDigest(field(r, HEX, BAD_DIGEST)).setTaskDigest(field(r, HEX, BAD_DIGEST)).addAllArgs(args)
          .setOutputSuffix(field(r, Gen.elements(List.of("", ".o", ".s", ".su", ".O2")), BAD_SUFFIX))
          .setSourceZstd(ByteString.copyFrom(Gen.bytes(32).next(r)))
          .setSourcePath(field(r, Gen.elements(List.of("", "src/a.c", "/abs/a.c", "../a.c")), BAD_TEXT))
          .setSourceDateEpoch(field(r, Gen.elements(List.of("", "0", "1700000000")),
              Gen.elements(List.of("-1", "1e9", "9".repeat(30), "x", " 1"))))
          .setKeyBaseDir(field(r, ROOT, BAD_TEXT)).setKeyCompilerPrefix(field(r, ROOT, BAD_TEXT));
      switch (r.nextInt(5)) {
        case 0, 1 -> b.setInputMode(InputMode.INPUT_MODE_STDIN);
        case 2 -> b.setInputModeValue(2 + r.nextInt(100));
        default -> b.setInputMode(InputMode.INPUT_MODE_FILE_AS_SOURCE)
            .setInputPath(Gen.oneOf(Gen.elements(FuzzArgs.SOURCES), BAD_TEXT).next(r))
            .setClientCwd(field(r, ROOT, BAD_TEXT));
      }
      if (r.nextInt(8) == 0) {
        b.setInputPath(BAD_TEXT.next(r));
      }
      return b.build();
    }, req -> {
      Optional<String> problem = TaskCheck.problem(req);
      assertNotNull(problem);
      if (problem.isPresent()) {
        return;
      }
      accepted[0]++;
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
    // Otherwise the generator has drifted into messages that are all refused at the first field.
    assertTrue(accepted[0] >= 1 + Fuzz.tries() / 1000, "only " + accepted[0] + " tasks accepted");
  }
}
