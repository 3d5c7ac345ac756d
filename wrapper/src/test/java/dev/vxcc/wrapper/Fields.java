package dev.vxcc.wrapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The field framing of PROTOCOL.md ({@code <tag> SP <length> LF <bytes>}), as the daemon would speak it. */
record Fields(List<Field> list) {

    record Field(String tag, byte[] value) {
        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** Alternating tag and value; a value is a {@code String} (UTF-8) or a {@code byte[]}. */
    static byte[] encode(Object... tagsAndValues) {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < tagsAndValues.length; i += 2) {
            byte[] value = tagsAndValues[i + 1] instanceof byte[] b
                    ? b
                    : tagsAndValues[i + 1].toString().getBytes(StandardCharsets.UTF_8);
            out.writeBytes((tagsAndValues[i] + " " + value.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    static Fields decode(byte[] body) {
        var list = new ArrayList<Field>();
        int p = 0;
        while (p < body.length) {
            int sp = indexOf(body, (byte) ' ', p);
            int lf = indexOf(body, (byte) '\n', sp);
            String tag = new String(body, p, sp - p, StandardCharsets.US_ASCII);
            int len = Integer.parseInt(new String(body, sp + 1, lf - sp - 1, StandardCharsets.US_ASCII));
            byte[] value = new byte[len];
            System.arraycopy(body, lf + 1, value, 0, len);
            list.add(new Field(tag, value));
            p = lf + 1 + len;
        }
        return new Fields(list);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("malformed fields");
    }

    String first(String tag) {
        return list.stream().filter(f -> f.tag.equals(tag)).map(Field::text).findFirst().orElse(null);
    }

    byte[] firstBytes(String tag) {
        return list.stream().filter(f -> f.tag.equals(tag)).map(Field::value).findFirst().orElse(null);
    }

    List<String> all(String tag) {
        return list.stream().filter(f -> f.tag.equals(tag)).map(Field::text).toList();
    }

    List<String> tags() {
        return list.stream().map(Field::tag).toList();
    }
}
