package dev.vxcc.daemon.servant;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The servant side of gcc's "file as source" recipe, used for {@code -g} with the default
 * {@code -grecord-gcc-switches}: DW_AT_producer lists the compile switches, so the remote command
 * line must be the user's minus preprocessing options, without {@code -fpreprocessed} or
 * {@code -fdirectives-only}. The raw {@code -E -fdirectives-only} output is therefore compiled as
 * ordinary C/C++; directives-only output keeps macros unexpanded, so columns survive.
 *
 * <ul>
 *   <li>Stream: the {@code #define} directly after each {@code # 0 "<built-in>"} marker is
 *       dropped. The remote compiler predefines the same macros from the same switches, and a
 *       second definition would warn (or fail under -Werror) wherever it differs textually.
 *       {@code <command-line>} definitions (from -D/-U, which the remote command does not
 *       carry) stay.</li>
 *   <li>File: written under a name that gcc will spell exactly like the client did, because the
 *       main file's name reaches DW_AT_name, the line table and the STT_FILE symbol. A relative
 *       path is written relative to a working directory {@code <work>/src/cwd[/_...]} (one
 *       extra level per leading "../"), an absolute one as {@code <work>/src/root<path>}.</li>
 *   <li>Paths: {@code -fdebug-prefix-map=<cwd>=<client cwd>} (and {@code <work>/src/root=} for
 *       absolute sources) turn the servant's directories back into the client's. gcc does not
 *       list prefix maps in DW_AT_producer.</li>
 * </ul>
 */
public final class SourceInput {
  static final int MAX_PATH_LENGTH = 1024;
  static final int MAX_PARENT_SEGMENTS = 8;

  private static final byte[] BUILTIN_MARKER = "# 0 \"<built-in>\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEFINE = "#define ".getBytes(StandardCharsets.US_ASCII);

  private SourceInput() {}

  /** A prepared compile: run {@code command} in {@code cwd}, stdin unused. */
  public record Prepared(Path cwd, Path inputFile, List<String> command) {}

  /** @return why the path cannot be used as a remote input name, or null when it can */
  public static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "empty input path";
    }
    if (path.length() > MAX_PATH_LENGTH) {
      return "input path longer than " + MAX_PATH_LENGTH;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        return "control character or backslash in input path";
      }
    }
    boolean absolute = path.startsWith("/");
    String[] segments = (absolute ? path.substring(1) : path).split("/", -1);
    boolean leading = !absolute;
    int parents = 0;
    for (String s : segments) {
      if (s.equals("..") && leading) {
        parents++;
        continue;
      }
      leading = false;
      // "." and "" would need the directory layout to mirror gcc's spelling; not worth it.
      if (s.isEmpty() || s.equals(".") || s.equals("..")) {
        return "input path must be normalised";
      }
      // The path becomes a compiler argument: "@x" is a response file, "-x" an option. Only the
      // first segment reaches gcc's option parser, but no real source tree needs either anywhere.
      if (s.startsWith("-") || s.startsWith("@")) {
        return "input path segments must not start with '-' or '@'";
      }
    }
    if (parents > MAX_PARENT_SEGMENTS) {
      return "too many leading ../ in input path";
    }
    if (parents == segments.length) {
      return "input path names no file";
    }
    return null;
  }

  /** @return why the directory cannot be the client's working directory, or null when it can */
  public static String cwdProblem(String cwd) {
    if (cwd == null || !cwd.startsWith("/")) {
      return "client working directory must be absolute";
    }
    if (cwd.length() > MAX_PATH_LENGTH) {
      return "client working directory longer than " + MAX_PATH_LENGTH;
    }
    for (int i = 0; i < cwd.length(); i++) {
      char c = cwd.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "control character in client working directory";
      }
    }
    if (cwd.contains("/../") || cwd.endsWith("/..")) {
      return "client working directory must be normalised";
    }
    return null;
  }

  /** Drops the built-in macro definitions from {@code -E -fdirectives-only} output. */
  public static byte[] stripBuiltinDefines(byte[] pp) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(pp.length);
    boolean afterMarker = false;
    int start = 0;
    while (start < pp.length) {
      int end = start;
      while (end < pp.length && pp[end] != '\n') {
        end++;
      }
      int next = Math.min(end + 1, pp.length);
      boolean drop = afterMarker && startsWith(pp, start, end, DEFINE);
      afterMarker = end - start == BUILTIN_MARKER.length && startsWith(pp, start, end, BUILTIN_MARKER);
      if (!drop) {
        out.write(pp, start, next - start);
      }
      start = next;
    }
    return out.toByteArray();
  }

  private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the edited source below {@code base} (which must not exist or be empty) and builds the
   * command {@code compiler args <prefix maps> <input> -o output}. Callers validate
   * {@code inputPath} and {@code clientCwd} first.
   */
  public static Prepared prepare(Path base, Path compiler, List<String> args, String inputPath, String clientCwd,
                                 Path output, byte[] directivesOnlyOutput) throws IOException {
    String problem = pathProblem(inputPath);
    if (problem == null) {
      problem = cwdProblem(clientCwd);
    }
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    Path root = base.toAbsolutePath().normalize();
    if (root.toString().indexOf('=') >= 0) {
      // gcc splits a prefix map at its first '=', so the servant's side must not contain one.
      throw new IOException("servant work directory contains '=': " + root);
    }
    Path cwd = root.resolve("cwd");
    List<String> maps = new ArrayList<>();
    Path file;
    if (inputPath.startsWith("/")) {
      Path mirror = root.resolve("root");
      file = Path.of(mirror + inputPath);
      maps.add("-fdebug-prefix-map=" + mirror + "=");
    } else {
      int parents = 0;
      while (inputPath.startsWith("../", parents * 3)) {
        parents++;
      }
      for (int i = 0; i < parents; i++) {
        cwd = cwd.resolve("_");
      }
      file = cwd.resolve(inputPath).normalize();
    }
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("input path escapes the work directory: " + inputPath);
    }
    maps.add(0, "-fdebug-prefix-map=" + cwd + "=" + clientCwd);
    Files.createDirectories(cwd);
    Files.createDirectories(file.getParent());
    Files.write(file, stripBuiltinDefines(directivesOnlyOutput));

    List<String> cmd = new ArrayList<>();
    cmd.add(compiler.toString());
    cmd.addAll(args);
    cmd.addAll(maps);
    cmd.add(inputPath.startsWith("/") ? file.toString() : inputPath);
    cmd.add("-o");
    cmd.add(output.toString());
    return new Prepared(cwd, file, List.copyOf(cmd));
  }
}
