package dev.vxcc.daemon.args;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands {@code @file} arguments the way the drivers do before anything else looks at argv,
 * so that the classifier sees (and the preprocessing/remote commands carry) the real options.
 */
public final class ResponseFiles {

    /** Thrown for unreadable or runaway response files; the classifier turns it into a local build. */
    public static final class UnreadableException extends Exception {
        public UnreadableException(String message) {
            super(message);
        }
    }

    // gcc's libiberty stops after a fixed number of expansions to break @a -> @a loops.
    private static final int MAX_EXPANSIONS = 2000;
    /** Real builds nest one or two levels; a deeper chain is a loop, and recursion must stay shallow. */
    private static final int MAX_DEPTH = 32;
    private static final long MAX_FILE_BYTES = 64L << 20;

    private ResponseFiles() {
    }

    /**
     * @param family decides how nested relative names are resolved: gcc opens them relative to
     *               the cwd, clang relative to the directory of the response file naming them
     */
    public static List<String> expand(List<String> args, Path cwd, CompilerFamily family) throws UnreadableException {
        List<String> out = new ArrayList<>(args.size());
        int[] budget = {MAX_EXPANSIONS};
        expandInto(args, cwd, cwd, family, out, budget, 0);
        return out;
    }

    private static void expandInto(List<String> args, Path cwd, Path base, CompilerFamily family, List<String> out,
                                   int[] budget, int depth) throws UnreadableException {
        for (String arg : args) {
            if (arg == null) {
                throw new UnreadableException("null argument");
            }
            if (arg.length() < 2 || arg.charAt(0) != '@') {
                out.add(arg);
                continue;
            }
            if (--budget[0] < 0 || depth >= MAX_DEPTH) {
                throw new UnreadableException("too many nested response files (loop?) at " + arg);
            }
            Path file;
            try {
                file = base.resolve(arg.substring(1));
            } catch (RuntimeException e) {
                throw new UnreadableException("invalid response file name " + arg);
            }
            String text;
            try {
                if (!Files.isRegularFile(file)) {
                    throw new UnreadableException("response file not found: " + file);
                }
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new UnreadableException("response file too large: " + file);
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new UnreadableException("cannot read response file " + file + ": " + e.getMessage());
            }
            Path nestedBase = family == CompilerFamily.CLANG && file.getParent() != null ? file.getParent() : cwd;
            expandInto(tokenize(text), cwd, nestedBase, family, out, budget, depth + 1);
        }
    }

    /** The C locale's isspace(), which gcc and clang use: Java's isWhitespace also splits at U+2029, U+001F, ... */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /**
     * Splits response file text with libiberty's buildargv rules: whitespace separates
     * arguments, single and double quotes group, and a backslash takes the next character
     * literally everywhere, including inside quotes. Quotes may yield empty arguments.
     */
    public static List<String> tokenize(String text) {
        List<String> result = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inArg = false;
        boolean squote = false;
        boolean dquote = false;
        boolean escape = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (escape) {
                cur.append(c);
                escape = false;
                inArg = true;
            } else if (c == '\\') {
                escape = true;
                inArg = true;
            } else if (squote) {
                if (c == '\'') {
                    squote = false;
                } else {
                    cur.append(c);
                }
            } else if (dquote) {
                if (c == '"') {
                    dquote = false;
                } else {
                    cur.append(c);
                }
            } else if (isSpace(c)) {
                if (inArg) {
                    result.add(cur.toString());
                    cur.setLength(0);
                    inArg = false;
                }
            } else if (c == '\'') {
                squote = true;
                inArg = true;
            } else if (c == '"') {
                dquote = true;
                inArg = true;
            } else {
                cur.append(c);
                inArg = true;
            }
        }
        if (inArg) {
            result.add(cur.toString());
        }
        return result;
    }
}
