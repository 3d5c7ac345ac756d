package dev.vxcc.daemon.local;

import dev.vxcc.daemon.args.Decision;
import java.util.List;

/** What the dispatcher sends to a servant: everything that decides the object, nothing else. */
record RemoteJob(
    String compilerDigest,
    List<String> args,
    byte[] sourceZstd,
    String taskDigest,
    String sourcePath,
    String outputSuffix,
    boolean disallowCacheFill,
    // vxcc-gdebug: how the servant feeds the source to the compiler; path and cwd are "" for STDIN.
    Decision.InputMode inputMode,
    String inputPath,
    String clientCwd,
    // "" unless the submitter set it and the source reads the clock.
    String sourceDateEpoch,
    // false when the source reads the clock (__DATE__, __TIME__, __TIMESTAMP__): never cached.
    boolean cacheable,
    // How the key was normalised (TaskKey): the servant recomputes it from what it compiles.
    String keyBaseDir,
    String keyCompilerPrefix,
    // Key inputs the servant cannot derive itself.
    dev.vxcc.daemon.args.CompilerFamily keyFamily,
    List<String> keySideOutputs,
    // Source-tree tasks only (then sourceZstd and args are empty), else null.
    TreeInputs tree) {
  RemoteJob(String compilerDigest, List<String> args, byte[] sourceZstd, String taskDigest, String sourcePath, String outputSuffix,
            boolean disallowCacheFill, Decision.InputMode inputMode, String inputPath, String clientCwd, String sourceDateEpoch,
            boolean cacheable, String keyBaseDir, String keyCompilerPrefix, dev.vxcc.daemon.args.CompilerFamily keyFamily,
            List<String> keySideOutputs) {
    this(compilerDigest, args, sourceZstd, taskDigest, sourcePath, outputSuffix, disallowCacheFill, inputMode, inputPath,
        clientCwd, sourceDateEpoch, cacheable, keyBaseDir, keyCompilerPrefix, keyFamily, keySideOutputs, null);
  }
}
