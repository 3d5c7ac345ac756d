package dev.vxcc.node;

import java.nio.file.Path;

/** The unpacked distribution this JVM runs from ({@code vxcc.home}, set by bin/vxcc-node). */
final class Installation {
  private Installation() {}

  static Path file(String relative) {
    return Path.of(System.getProperty("vxcc.home", ".")).resolve(relative);
  }
}
