package dev.vxcc.daemon.args;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Split DWARF (-gsplit-dwarf, clang's -gsplit-dwarf=split|single and -fsplit-dwarf-inlining): the
 * compile writes a second file, the .dwo, whose name the skeleton unit in the object records. The
 * preprocessed-text recipes never take it (the servant would write that file under its own name);
 * a source tree runs the user's argv at the user's paths, so the skeleton already names the
 * right file and the only question is where the compiler puts it, so that the servant ships it
 * back and the delegate writes it there. That rule lives here.
 *
 * <p>Measured with gcc 12.2 and clang 14.0.6 (Debian 12), cwd {@code b}, source {@code ../src/a.c}:
 * <ul>
 *   <li>-c -o X: both write the .dwo next to X, named after X without its last extension
 *       ({@code -o ../out/x.o} gives {@code ../out/x.dwo}, {@code x.obj} gives {@code x.dwo},
 *       {@code x.tar.o} gives {@code x.tar.dwo}, {@code noext} gives {@code noext.dwo}); the skeleton's
 *       DW_AT_dwo_name is that path exactly as derived from the -o spelling (relative stays relative
 *       to DW_AT_comp_dir, the cwd; absolute stays absolute). A leading dot differs: gcc keeps it as
 *       the name ({@code .o} gives {@code .o.dwo}), clang strips it ({@code .o} gives {@code .dwo}).</li>
 *   <li>-c without -o: {@code a.dwo} in the cwd, after the source's basename. clang prepends
 *       -fdebug-compilation-dir/-ffile-compilation-dir to that name without a separator
 *       ({@code =/zz} wrote {@code /zza.dwo}), which is kept local.</li>
 *   <li>-S: gcc writes no .dwo (both the skeleton and the .dwo sections stay in the .s); clang
 *       writes the .dwo in the cwd after the source's basename, whatever -o says.</li>
 *   <li>clang -gsplit-dwarf=single: no .dwo, the .dwo sections stay in the object, which is its
 *       own DW_AT_dwo_name; =split is plain -gsplit-dwarf.</li>
 *   <li>Whether the file appears at all: gcc writes it on -c even without -g (or with -g0); clang
 *       only with debug info, and not after a later -gno-split-dwarf (neither does gcc). A source
 *       tree lists the path and the servant ships it only if the compiler wrote it, so a local
 *       compile and a remote one leave the same files either way.</li>
 *   <li>gcc rejects -gsplit-dwarf=VALUE and -fsplit-dwarf-inlining, and both compilers reject
 *       an unknown value: those stay local, as does a .dwo name that collides with another output.</li>
 * </ul>
 * Two local compiles write identical objects and .dwo files (gcc and clang, DWARF 4 and 5), so
 * the remote ones can match them byte for byte.
 */
public final class SplitDwarf {

    private SplitDwarf() {
    }

    /** The split-DWARF options of the invocation, as written, in order; empty when it has none. */
    public static List<String> options(Invocation inv) {
        return inv.args().stream().filter(a -> !a.isInput() && a.option().spec().role() == OptionTable.Role.SPLIT_DWARF)
                .map(a -> a.option().tokens().get(0)).toList();
    }

    /**
     * Null without split DWARF; otherwise why the preprocessed-text recipes cannot take it:
     * {@link LocalReason#SPLIT_DWARF} when a source tree can ({@link #dwoFile}), another reason when
     * even that cannot reproduce it.
     */
    public static Decision.Local refusal(Invocation inv) {
        List<String> opts = options(inv);
        if (opts.isEmpty()) {
            return null;
        }
        Set<String> spellings = new LinkedHashSet<>();
        for (String o : opts) {
            if (o.startsWith("-gsplit-dwarf")) {
                spellings.add(o);
            }
        }
        String detail = String.join(" ", opts);
        if (inv.family() == CompilerFamily.GCC) {
            for (String o : opts) {
                if (!o.equals("-gsplit-dwarf")) {
                    return unsupported(o + ": gcc does not accept it");
                }
            }
        } else {
            for (String o : spellings) {
                if (!o.equals("-gsplit-dwarf") && !o.equals("-gsplit-dwarf=split") && !o.equals("-gsplit-dwarf=single")) {
                    return unsupported(o + ": clang accepts only =split and =single");
                }
            }
            if (spellings.size() > 1) {
                // clang takes the kind from the last spelling but the file name from the last "=" one.
                return unsupported("mixed " + String.join(" ", spellings));
            }
            if (!single(inv) && derivedFromSource(inv) && compilationDirOption(inv)) {
                return unsupported(detail + " without -c -o: clang names the .dwo after -fdebug-compilation-dir");
            }
        }
        Optional<Path> dwo = dwoFile(inv);
        if (dwo.isPresent() && inv.output() != null) {
            Path out = inv.cwd().resolve(inv.output()).normalize();
            if (dwo.get().equals(out)) {
                return unsupported(detail + ": the .dwo would be the output itself, " + out);
            }
        }
        return new Decision.Local(LocalReason.SPLIT_DWARF, detail, false);
    }

    /**
     * The absolute path of the .dwo the compiler writes, or empty when it writes none; only for an
     * invocation whose {@link #refusal} is {@link LocalReason#SPLIT_DWARF}.
     */
    public static Optional<Path> dwoFile(Invocation inv) {
        if (options(inv).stream().noneMatch(o -> o.startsWith("-gsplit-dwarf")) || single(inv)) {
            return Optional.empty();
        }
        boolean gcc = inv.family() == CompilerFamily.GCC;
        if (gcc && inv.mode() == Invocation.Mode.ASSEMBLE) {
            return Optional.empty();
        }
        String name;
        if (derivedFromSource(inv)) {
            name = stem(basename(inv.source()), gcc);
        } else {
            String out = inv.output();
            int slash = out.lastIndexOf('/');
            name = out.substring(0, slash + 1) + stem(out.substring(slash + 1), gcc);
        }
        return Optional.of(inv.cwd().resolve(name + ".dwo").normalize());
    }

    /** gcc's "auxiliary base" and LLVM's path stem differ only for a name that starts with its one dot. */
    static String stem(String name, boolean gcc) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || name.equals(".") || name.equals("..") || (gcc && dot == 0)) {
            return name;
        }
        return name.substring(0, dot);
    }

    private static boolean single(Invocation inv) {
        return options(inv).contains("-gsplit-dwarf=single");
    }

    /** No -o, or (clang) -S: the name comes from the source, in the cwd. */
    private static boolean derivedFromSource(Invocation inv) {
        return inv.output() == null || (inv.family() == CompilerFamily.CLANG && inv.mode() == Invocation.Mode.ASSEMBLE);
    }

    private static boolean compilationDirOption(Invocation inv) {
        return inv.args().stream().filter(a -> !a.isInput()).map(a -> a.option().tokens().get(0))
                .anyMatch(a -> a.startsWith("-fdebug-compilation-dir") || a.startsWith("-ffile-compilation-dir"));
    }

    private static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Decision.Local unsupported(String detail) {
        return new Decision.Local(LocalReason.UNSUPPORTED_OPTION, "split DWARF: " + detail, false);
    }
}
