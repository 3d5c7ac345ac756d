package dev.vxcc.daemon.servant;

import com.google.protobuf.ByteString;
import dev.vxcc.api.v1.TaskStatus;
import dev.vxcc.api.v1.WaitTaskResponse;
import dev.vxcc.common.util.Zstd;
import dev.vxcc.daemon.CleanResult;
import dev.vxcc.daemon.DaemonConstants;
import java.nio.charset.StandardCharsets;

/** The answers the execution engine builds besides a compiler's own output. */
final class TaskResults {
  private TaskResults() {}

  /** -1 tells the delegate "infrastructure failure, not a compile error": it retries elsewhere. */
  static WaitTaskResponse failure(String why) {
    return WaitTaskResponse.newBuilder()
        .setStatus(TaskStatus.TASK_STATUS_DONE)
        .setExitCode(-1)
        .setStderrZstd(ByteString.copyFrom(Zstd.compress(("vxcc servant: " + why + "\n").getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  /** A task this servant cannot run faithfully, though it is not broken: see {@link DaemonConstants#TASK_EXIT_DECLINED}. */
  static WaitTaskResponse declined(String why) {
    return failure(why).toBuilder().setExitCode(DaemonConstants.TASK_EXIT_DECLINED).build();
  }

  /** The only results worth caching, by the rule the delegate also applies. */
  static boolean clean(WaitTaskResponse r) {
    return CleanResult.clean(r.getExitCode(), isEmptyFrame(r.getStderrZstd()));
  }

  /** On the event loop: the header says so for the frames we make, without decompressing a long stderr. */
  private static boolean isEmptyFrame(ByteString zstd) {
    byte[] frame = zstd.toByteArray();
    long declared = Zstd.declaredSize(frame);
    return declared == 0 || declared < 0 && Zstd.decompress(frame).length == 0;
  }
}
