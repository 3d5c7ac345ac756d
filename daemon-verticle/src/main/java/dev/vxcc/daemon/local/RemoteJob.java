package dev.vxcc.daemon.local;

import java.util.List;

/** What the dispatcher sends to a servant: everything that decides the object, nothing else. */
record RemoteJob(
    String compilerDigest,
    List<String> args,
    byte[] sourceZstd,
    String taskDigest,
    String sourcePath,
    String outputSuffix,
    boolean disallowCacheFill) {}
