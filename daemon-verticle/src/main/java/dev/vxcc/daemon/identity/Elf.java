package dev.vxcc.daemon.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of ELF64 to list a program's DT_NEEDED libraries and its run path, without running
 * ldd (a second process per compiler, and one that may execute the file).
 */
final class Elf {
  private Elf() {}

  record Dynamic(List<String> needed, List<String> runpath) {}

  private static final int SHT_DYNAMIC = 6;
  private static final long DT_NEEDED = 1;
  private static final long DT_RPATH = 15;
  private static final long DT_RUNPATH = 29;

  /** Null when the file is not a 64-bit ELF with a dynamic section (scripts, static binaries). */
  static Dynamic dynamic(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer h = read(ch, 0, 64);
      if (h.limit() < 64 || h.get(0) != 0x7f || h.get(1) != 'E' || h.get(2) != 'L' || h.get(3) != 'F' || h.get(4) != 2) {
        return null;
      }
      h.order(h.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      long shoff = h.getLong(0x28);
      int shentsize = Short.toUnsignedInt(h.getShort(0x3A));
      int shnum = Short.toUnsignedInt(h.getShort(0x3C));
      if (shoff <= 0 || shentsize < 64 || shnum == 0 || shnum > 4096) {
        return null;
      }
      ByteBuffer sh = read(ch, shoff, shentsize * shnum).order(h.order());
      for (int i = 0; i < shnum; i++) {
        int base = i * shentsize;
        if (sh.getInt(base + 4) != SHT_DYNAMIC) {
          continue;
        }
        long off = sh.getLong(base + 0x18);
        long size = sh.getLong(base + 0x20);
        int link = sh.getInt(base + 0x28);
        if (size <= 0 || size > (1 << 20) || link <= 0 || link >= shnum) {
          return null;
        }
        long strOff = sh.getLong(link * shentsize + 0x18);
        long strSize = sh.getLong(link * shentsize + 0x20);
        if (strSize <= 0 || strSize > (16 << 20)) {
          return null;
        }
        ByteBuffer dyn = read(ch, off, (int) size).order(h.order());
        ByteBuffer str = read(ch, strOff, (int) strSize);
        List<String> needed = new ArrayList<>();
        List<String> runpath = new ArrayList<>();
        for (int p = 0; p + 16 <= dyn.limit(); p += 16) {
          long tag = dyn.getLong(p);
          long val = dyn.getLong(p + 8);
          if (tag == 0) {
            break;
          }
          if (tag == DT_NEEDED) {
            needed.add(cString(str, val));
          } else if (tag == DT_RUNPATH || tag == DT_RPATH) {
            for (String d : cString(str, val).split(":")) {
              if (!d.isEmpty()) {
                runpath.add(d);
              }
            }
          }
        }
        return new Dynamic(needed, runpath);
      }
      return null;
    }
  }

  private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        break;
      }
    }
    return b.flip();
  }

  private static String cString(ByteBuffer b, long at) {
    int start = (int) at;
    int end = start;
    while (end < b.limit() && b.get(end) != 0) {
      end++;
    }
    byte[] s = new byte[end - start];
    b.get(start, s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
