package dev.vxcc.daemon.args;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Which driver dialect an invocation speaks; the preprocessing recipe differs per family. */
public enum CompilerFamily {
    GCC,
    CLANG;

    // Cross prefixes ("x86_64-linux-gnu-") and version suffixes ("-12", "-14.0") are common in
    // Debian/Ubuntu toolchains and in CC/CXX variables, so match the core name in the middle.
    private static final Pattern GCC_NAME = Pattern.compile("(?:.*-)?(?:gcc|g\\+\\+|cc|c\\+\\+)(?:-[0-9][0-9.]*)?(?:\\.exe)?");
    private static final Pattern CLANG_NAME = Pattern.compile("(?:.*-)?clang(?:\\+\\+|-cpp|-cl)?(?:-[0-9][0-9.]*)?(?:\\.exe)?");

    /**
     * Detects the family from the tool name the wrapper was invoked as, falling back to the
     * compiler path. Generic names ({@code cc}, {@code c++}) are resolved through symlinks when
     * the compiler path exists, because on some systems they point at clang.
     */
    public static Optional<CompilerFamily> detect(String tool, Path compilerPath) {
        String pathName = compilerPath == null || compilerPath.getFileName() == null ? null
                : compilerPath.getFileName().toString();
        String toolName = basename(tool);
        String name = toolName == null || toolName.isEmpty() ? pathName : toolName;
        Optional<CompilerFamily> family = fromName(name);
        if (family.isEmpty()) {
            family = fromName(pathName);
        }
        if (family.isPresent() && (isGeneric(name) || isGeneric(pathName)) && compilerPath != null) {
            try {
                if (Files.exists(compilerPath)) {
                    Path real = compilerPath.toRealPath();
                    String realName = real.getFileName() == null ? null : real.getFileName().toString();
                    Optional<CompilerFamily> byReal = fromName(realName);
                    if (byReal.isPresent() && !isGeneric(realName)) {
                        return byReal;
                    }
                }
            } catch (Exception ignored) {
                // An unreadable link keeps the name-based guess.
            }
        }
        return family;
    }

    static Optional<CompilerFamily> fromName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (CLANG_NAME.matcher(n).matches()) {
            return Optional.of(CLANG);
        }
        if (GCC_NAME.matcher(n).matches()) {
            return Optional.of(GCC);
        }
        return Optional.empty();
    }

    private static boolean isGeneric(String name) {
        return name != null && (name.equals("cc") || name.equals("c++"));
    }

    private static String basename(String s) {
        if (s == null) {
            return null;
        }
        int slash = s.lastIndexOf('/');
        return slash >= 0 ? s.substring(slash + 1) : s;
    }
}
