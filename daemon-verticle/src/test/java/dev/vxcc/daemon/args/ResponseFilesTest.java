package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseFilesTest {

    @Test
    void tokenizeFollowsLibibertyQuoting() {
        assertEquals(List.of("-DA=1 2", "-DB=x\"y", "a'b", "", "plain", "tab\tx"),
                ResponseFiles.tokenize(" '-DA=1 2'\n\"-DB=x\\\"y\"  'a\\'b' \"\" plain\r\n'tab\tx'"));
        assertEquals(List.of("a b"), ResponseFiles.tokenize("a\\ b"));
        assertEquals(List.of(), ResponseFiles.tokenize("  \n\t "));
        assertEquals(List.of("x"), ResponseFiles.tokenize("x\\"));
    }

    @Test
    void expandsNestedFilesInPlace(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("outer.rsp"), "-O2 @sub/inner.rsp -c");
        Files.writeString(dir.resolve("sub/inner.rsp"), "-Iinc '-DMSG=\"hi there\"'");
        List<String> out = ResponseFiles.expand(List.of("-Wall", "@outer.rsp", "a.c"), dir, CompilerFamily.GCC);
        assertEquals(List.of("-Wall", "-O2", "-Iinc", "-DMSG=\"hi there\"", "-c", "a.c"), out);
    }

    @Test
    void clangResolvesNestedRelativeToContainingFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/outer.rsp"), "@inner.rsp");
        Files.writeString(dir.resolve("sub/inner.rsp"), "-c");
        assertEquals(List.of("-c"), ResponseFiles.expand(List.of("@sub/outer.rsp"), dir, CompilerFamily.CLANG));
        assertThrows(ResponseFiles.UnreadableException.class,
                () -> ResponseFiles.expand(List.of("@sub/outer.rsp"), dir, CompilerFamily.GCC));
    }

    @Test
    void loopsAndMissingFilesAreReported(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("self.rsp"), "-c @self.rsp");
        assertThrows(ResponseFiles.UnreadableException.class,
                () -> ResponseFiles.expand(List.of("@self.rsp"), dir, CompilerFamily.GCC));
        assertThrows(ResponseFiles.UnreadableException.class,
                () -> ResponseFiles.expand(List.of("@missing.rsp"), dir, CompilerFamily.GCC));
    }

    @Test
    void classifierUsesExpandedArguments(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("args.rsp"), "-O2 -Iinc -c src/m.cpp -o out/m.o");
        Decision d = ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"), List.of("@args.rsp"), dir);
        Decision.Remote r = assertInstanceOf(Decision.Remote.class, d);
        assertEquals(List.of("-O2", "-Iinc", "src/m.cpp", "-E", "-fdirectives-only"), r.preprocessArgs());
        assertEquals(dir.resolve("out/m.o"), r.outputPath());

        Decision missing = ArgumentClassifier.classify("g++", Path.of("/usr/bin/g++"), List.of("@nope.rsp", "-c", "a.c"), dir);
        assertEquals(LocalReason.RESPONSE_FILE_UNREADABLE, assertInstanceOf(Decision.Local.class, missing).reason());
    }
}
