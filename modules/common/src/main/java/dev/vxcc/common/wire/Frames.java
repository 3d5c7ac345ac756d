package dev.vxcc.common.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The wrapper's framing: {@code <tag> SP <decimal length> LF <bytes>}, repeated. Chosen over JSON
 * because the C shim must parse and build it in a few lines, and values are arbitrary bytes
 * (arguments, object files). See wrapper/PROTOCOL.md.
 */
public final class Frames {
  /** One field; values are raw bytes, decoded as UTF-8 only when the caller asks for text. */
  public record Field(String tag, byte[] value) {
    public String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  private final List<Field> fields;

  private Frames(List<Field> fields) {
    this.fields = fields;
  }

  public static Frames parse(Buffer body) {
    List<Field> out = new ArrayList<>();
    int pos = 0;
    int n = body.length();
    while (pos < n) {
      int space = indexOf(body, (byte) ' ', pos, Math.min(n, pos + 64));
      if (space < 0) {
        throw new IllegalArgumentException("malformed field header at byte " + pos);
      }
      int lf = indexOf(body, (byte) '\n', space, Math.min(n, space + 21));
      if (lf < 0) {
        throw new IllegalArgumentException("malformed field length at byte " + space);
      }
      String tag = body.getString(pos, space, "US-ASCII");
      long len;
      try {
        len = Long.parseLong(body.getString(space + 1, lf, "US-ASCII"));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed length of field '" + tag + "'");
      }
      // Compared as a remainder: lf + 1 + len overflows for lengths near Long.MAX_VALUE.
      if (len < 0 || len > n - (lf + 1)) {
        throw new IllegalArgumentException("field '" + tag + "' overruns the body");
      }
      out.add(new Field(tag, body.getBytes(lf + 1, (int) (lf + 1 + len))));
      pos = (int) (lf + 1 + len);
    }
    return new Frames(out);
  }

  private static int indexOf(Buffer b, byte what, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b.getByte(i) == what) {
        return i;
      }
    }
    return -1;
  }

  public List<Field> fields() {
    return fields;
  }

  public Optional<Field> first(String tag) {
    return fields.stream().filter(f -> f.tag().equals(tag)).findFirst();
  }

  public String text(String tag) {
    return first(tag).map(Field::text).orElseThrow(() -> new IllegalArgumentException("missing field '" + tag + "'"));
  }

  public String text(String tag, String fallback) {
    return first(tag).map(Field::text).orElse(fallback);
  }

  public long number(String tag) {
    String t = text(tag);
    try {
      return Long.parseLong(t.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("field '" + tag + "' is not a number: " + t);
    }
  }

  public byte[] bytes(String tag) {
    return first(tag).map(Field::value).orElse(new byte[0]);
  }

  public List<String> texts(String tag) {
    return fields.stream().filter(f -> f.tag().equals(tag)).map(Field::text).toList();
  }

  /** Builds a body; the directive's {@code action} must be added first. */
  public static final class Builder {
    private final Buffer buf = Buffer.buffer();

    public Builder add(String tag, String value) {
      return add(tag, value.getBytes(StandardCharsets.UTF_8));
    }

    public Builder add(String tag, long value) {
      return add(tag, Long.toString(value));
    }

    public Builder add(String tag, byte[] value) {
      buf.appendString(tag).appendString(" ").appendString(Integer.toString(value.length)).appendByte((byte) '\n');
      buf.appendBytes(value);
      return this;
    }

    public Builder addAll(String tag, List<String> values) {
      values.forEach(v -> add(tag, v));
      return this;
    }

    public Buffer build() {
      return buf;
    }
  }

  public static Builder builder() {
    return new Builder();
  }
}
