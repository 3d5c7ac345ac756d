package dev.vxcc.daemon.local;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The local API's socket file: a stale one (left by a daemon that died) is removed at start, a
 * live one (another daemon) or anything that is not a socket stops this one. Every local user may
 * connect: the daemon tells callers apart by their credentials, not by who can open the file.
 */
final class LocalSocketFile {
  private LocalSocketFile() {}

  /** Blocking. Call before binding. */
  static void prepare(Path socket) throws IOException {
    Path dir = socket.getParent();
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      } catch (IOException e) {
        throw new IOException("cannot create " + dir + " for daemon.localSocket (" + e + "); create it for this user "
            + "or set daemon.localSocket to a path in a directory only this user may write", e);
      }
    }
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!"s".equals(kind(socket))) {
      throw new IOException(socket + " exists and is not a socket; refusing to replace it");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      throw new java.net.BindException("another daemon is listening on " + socket);
    } catch (java.net.ConnectException | java.nio.file.NoSuchFileException dead) {
      Files.deleteIfExists(socket);
    }
  }

  /** Blocking. Call after binding: wrappers of every user connect. */
  static void openToEveryone(Path socket) throws IOException {
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  private static String kind(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0140000 ? "s" : "other";
  }
}
