package dev.vxcc.daemon;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * gcc compiling a preprocessed text (from stdin, or the servant's copy of it in the file-as-source
 * recipe) takes the user's main source file, named only by linemarkers, for a header: it then
 * prints {@code -Wsubobject-linkage} for anonymous-namespace types of the main file, which a
 * local compile never does (its check compares exactly the main file's name), and, measured with
 * gcc 12 and {@code -g}, the debug info it writes differs too (file numbering, abbreviations).
 * Such a result is neither the local stderr nor, necessarily, the local object, whatever
 * exactDiagnostics says: it is redone locally ({@code main-file-as-header}). A warning located in
 * a header is genuine and says nothing about this.
 */
public final class MainFileAsHeader {
  private MainFileAsHeader() {}

  /** {@code mainSource} as the command line spells it, which is how the linemarkers name it. */
  public static boolean seen(byte[] stderr, String mainSource) {
    if (stderr.length == 0 || mainSource.isEmpty()) {
      return false;
    }
    Pattern warning = Pattern.compile("(?m)^" + Pattern.quote(mainSource) + ":[0-9]+:[0-9]+: (warning|error): .*\\[-(W|Werror=)subobject-linkage\\]$");
    return warning.matcher(new String(stderr, StandardCharsets.UTF_8)).find();
  }
}
