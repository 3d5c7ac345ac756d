package dev.vxcc.daemon.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The shared libraries that are part of a compiler's code generation, for {@link CompilerIdentity}. */
final class CompilerLibraries {
  /** Libraries that do no code generation; hashing libc would split identities on every glibc update. */
  private static final Set<String> SYSTEM_LIBRARIES = Set.of("libc", "libm", "libdl", "libpthread", "librt", "ld-linux-x86-64",
      "ld-linux-aarch64", "ld-linux", "libgcc_s", "libstdc++", "libz", "libzstd", "libtinfo", "libedit", "libxml2", "libffi",
      "libbsd", "libmd", "libicuuc", "libicudata", "liblzma");
  private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
      Path.of("/lib/aarch64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/lib64"), Path.of("/usr/lib64"),
      Path.of("/lib"), Path.of("/usr/lib"), Path.of("/usr/local/lib"));

  private CompilerLibraries() {}

  /** soname stem → resolved file, for the DT_NEEDED libraries that are part of the compiler. */
  static Map<String, Path> of(Path program) {
    Map<String, Path> out = new TreeMap<>();
    Elf.Dynamic dyn;
    try {
      dyn = Elf.dynamic(program);
    } catch (IOException | RuntimeException ex) {
      return out;
    }
    if (dyn == null) {
      return out;
    }
    for (String needed : dyn.needed()) {
      String stem = needed.contains(".so") ? needed.substring(0, needed.indexOf(".so")) : needed;
      if (SYSTEM_LIBRARIES.contains(stem)) {
        continue;
      }
      // An unresolvable soname is still part of the program's own bytes, which are hashed.
      Path found = findLibrary(needed, program, dyn.runpath());
      if (found != null) {
        out.put(needed, found);
      }
    }
    return out;
  }

  private static Path findLibrary(String soname, Path program, List<String> runpath) {
    List<Path> dirs = new ArrayList<>();
    for (String r : runpath) {
      dirs.add(Path.of(r.replace("$ORIGIN", program.getParent().toString()).replace("${ORIGIN}", program.getParent().toString())));
    }
    dirs.addAll(LIBRARY_DIRS);
    for (Path d : dirs) {
      Path p = d.resolve(soname);
      if (Files.isRegularFile(p)) {
        try {
          return p.toRealPath();
        } catch (IOException ex) {
          return null;
        }
      }
    }
    return null;
  }
}
