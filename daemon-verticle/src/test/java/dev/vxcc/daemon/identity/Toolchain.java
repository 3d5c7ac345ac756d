package dev.vxcc.daemon.identity;

import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs real compilers the way the delegate and the servant do. */
final class Toolchain {
  private Toolchain() {}

  record Run(int exit, byte[] stdout, String stderr) {
    Run orFail(String what) {
      if (exit != 0) {
        throw new AssertionError(what + " failed (" + exit + "): " + stderr);
      }
      return this;
    }
  }

  static Run run(Path cwd, byte[] stdin, List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    // Own threads: the common pool has one worker on two cores, and a reader blocked there
    // would starve the stdin writer while the compiler waits for it.
    byte[][] err = new byte[1][];
    Thread errReader = Thread.ofPlatform().start(() -> err[0] = readAll(p.getErrorStream()));
    Thread writer = Thread.ofPlatform().start(() -> {
      try (var os = p.getOutputStream()) {
        if (stdin != null) {
          os.write(stdin);
        }
      } catch (IOException e) {
        // The compiler may stop reading early; its exit code tells.
      }
    });
    byte[] out = readAll(p.getInputStream());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timeout: " + cmd);
    }
    writer.join();
    errReader.join();
    return new Run(p.exitValue(), out, new String(err[0]));
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean exists(String path) {
    return Files.isExecutable(Path.of(path));
  }

  /** A remote-able compile as the delegate sees it: decision, preprocessed text, servant object. */
  record Remote(Decision.Remote decision, byte[] preprocessed, byte[] object) {}

  static Remote remote(Path compiler, List<String> args, Path cwd, Path servantDir) throws Exception {
    Decision d = ArgumentClassifier.classify(compiler.getFileName().toString(), compiler, args, cwd);
    if (!(d instanceof Decision.Remote r)) {
      throw new AssertionError("expected a remote decision for " + args + ", got " + d);
    }
    List<String> pre = new ArrayList<>();
    pre.add(compiler.toString());
    pre.addAll(r.preprocessArgs());
    byte[] text = run(cwd, null, pre).orFail("preprocess " + pre).stdout();
    Files.createDirectories(servantDir);
    Path out = servantDir.resolve("out" + r.outputSuffix());
    List<String> cmd = new ArrayList<>();
    cmd.add(compiler.toString());
    cmd.addAll(r.remoteArgs());
    cmd.addAll(List.of("-", "-o", out.toString()));
    run(servantDir, text, cmd).orFail("remote compile " + cmd);
    return new Remote(r, text, Files.readAllBytes(out));
  }

  /** Local compile of the original command; returns the object. */
  static byte[] local(Path compiler, List<String> args, Path cwd, Path object) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(compiler.toString());
    cmd.addAll(args);
    run(cwd, null, cmd).orFail("local compile " + cmd);
    return Files.readAllBytes(object);
  }

  /**
   * gcc 12 copied to another prefix: driver, compilers proper and headers, which is what a
   * relocatable install under /opt would hold. Null when the system gcc is not Debian's layout.
   */
  static Path copiedGcc(Path prefix) throws IOException {
    Path lib = Path.of("/usr/lib/gcc/x86_64-linux-gnu/12");
    Path gxx = Path.of("/usr/bin/x86_64-linux-gnu-g++-12");
    if (!Files.isDirectory(lib) || !Files.isExecutable(gxx) || !Files.isDirectory(Path.of("/usr/include/c++/12"))) {
      return null;
    }
    Path bin = Files.createDirectories(prefix.resolve("bin"));
    Files.copy(gxx, bin.resolve("g++"), StandardCopyOption.COPY_ATTRIBUTES);
    Path libDst = Files.createDirectories(prefix.resolve("lib/gcc/x86_64-linux-gnu/12"));
    for (String f : List.of("cc1", "cc1plus")) {
      Files.copy(lib.resolve(f), libDst.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
    }
    copyTree(lib.resolve("include"), libDst.resolve("include"));
    copyTree(Path.of("/usr/include/c++/12"), prefix.resolve("include/c++/12"));
    copyTree(Path.of("/usr/include/x86_64-linux-gnu/c++/12"), prefix.resolve("include/x86_64-linux-gnu/c++/12"));
    return bin.resolve("g++");
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path dst = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst);
        } else {
          Files.createDirectories(dst.getParent());
          Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Writes files given as path, content, path, content, ... under root. */
  static void write(Path root, String... pathAndContent) throws IOException {
    for (int i = 0; i < pathAndContent.length; i += 2) {
      Path p = root.resolve(pathAndContent[i]);
      Files.createDirectories(p.getParent());
      Files.writeString(p, pathAndContent[i + 1]);
    }
  }
}
