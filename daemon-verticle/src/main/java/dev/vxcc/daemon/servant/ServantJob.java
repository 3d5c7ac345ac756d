package dev.vxcc.daemon.servant;

import java.nio.file.Path;
import java.util.List;

/**
 * One task as the servant received it: what to compile, and the delegate's key inputs for storing it.
 *
 * @param fileInput null: the source goes to stdin; otherwise it is compiled as ordinary source
 *                  from a file, see {@link SourceInput}
 * @param keyFamily with keySideOutputs, the key inputs only the delegate knows; null when it sent none
 * @param tree a source-tree task (then sourceZstd and args are empty and nothing is stored), or null
 */
public record ServantJob(Path compiler, String compilerDigest, List<String> args, byte[] sourceZstd, long grantId, String taskDigest,
    String outputSuffix, boolean disallowCacheFill, FileInput fileInput, String sourceDateEpoch, String sourcePath,
    String keyBaseDir, String keyCompilerPrefix, dev.vxcc.daemon.args.CompilerFamily keyFamily, List<String> keySideOutputs,
    TreeTask tree) {
  /** Not a source-tree task. */
  public ServantJob(Path compiler, String compilerDigest, List<String> args, byte[] sourceZstd, long grantId, String taskDigest,
      String outputSuffix, boolean disallowCacheFill, FileInput fileInput, String sourceDateEpoch, String sourcePath,
      String keyBaseDir, String keyCompilerPrefix, dev.vxcc.daemon.args.CompilerFamily keyFamily, List<String> keySideOutputs) {
    this(compiler, compilerDigest, args, sourceZstd, grantId, taskDigest, outputSuffix, disallowCacheFill, fileInput,
        sourceDateEpoch, sourcePath, keyBaseDir, keyCompilerPrefix, keyFamily, keySideOutputs, null);
  }

  /** Without the delegate's key inputs: the result is never stored. */
  public ServantJob(Path compiler, String compilerDigest, List<String> args, byte[] sourceZstd, long grantId, String taskDigest,
      String outputSuffix, boolean disallowCacheFill, FileInput fileInput, String sourceDateEpoch, String sourcePath,
      String keyBaseDir, String keyCompilerPrefix) {
    this(compiler, compilerDigest, args, sourceZstd, grantId, taskDigest, outputSuffix, disallowCacheFill, fileInput,
        sourceDateEpoch, sourcePath, keyBaseDir, keyCompilerPrefix, null, List.of());
  }

  /** The client's spelling of the source path and its working directory, both validated. */
  public record FileInput(String path, String clientCwd) {}
}
