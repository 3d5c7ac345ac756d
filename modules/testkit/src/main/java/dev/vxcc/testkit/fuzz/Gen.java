package dev.vxcc.testkit.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** An input generator for {@link Fuzz}; sizes are always bounded so that a try stays cheap. */
@FunctionalInterface
public interface Gen<T> {
  T next(Random random);

  default <R> Gen<R> map(Function<? super T, ? extends R> f) {
    return r -> f.apply(next(r));
  }

  static <T> Gen<T> constant(T value) {
    return r -> value;
  }

  static Gen<Integer> ints(int min, int maxInclusive) {
    return r -> min + r.nextInt(maxInclusive - min + 1);
  }

  /** Small sizes are the interesting ones, so lengths lean towards 0 while still reaching max. */
  static Gen<Integer> size(int max) {
    return r -> switch (r.nextInt(4)) {
      case 0 -> r.nextInt(Math.min(max, 4) + 1);
      case 1 -> r.nextInt(Math.min(max, 32) + 1);
      default -> r.nextInt(max + 1);
    };
  }

  static Gen<byte[]> bytes(int maxLength) {
    return r -> {
      byte[] b = new byte[size(maxLength).next(r)];
      r.nextBytes(b);
      return b;
    };
  }

  /** Strings over {@code alphabet}, up to {@code maxLength} characters. */
  static Gen<String> strings(String alphabet, int maxLength) {
    return r -> {
      int n = size(maxLength).next(r);
      StringBuilder sb = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      return sb.toString();
    };
  }

  /** Any UTF-16 code units, including unpaired surrogates, NUL and controls. */
  static Gen<String> anyStrings(int maxLength) {
    return r -> {
      int n = size(maxLength).next(r);
      StringBuilder sb = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        sb.append(r.nextInt(8) == 0 ? (char) r.nextInt(0x10000) : (char) r.nextInt(0x80));
      }
      return sb.toString();
    };
  }

  @SafeVarargs
  static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    return r -> gens[r.nextInt(gens.length)].next(r);
  }

  /** Picks gens with the given weights: {@code frequency(3, a, 1, b)}. */
  @SuppressWarnings("unchecked")
  static <T> Gen<T> frequency(Object... weightsAndGens) {
    int total = 0;
    for (int i = 0; i < weightsAndGens.length; i += 2) {
      total += (Integer) weightsAndGens[i];
    }
    int sum = total;
    return r -> {
      int pick = r.nextInt(sum);
      for (int i = 0; i < weightsAndGens.length; i += 2) {
        pick -= (Integer) weightsAndGens[i];
        if (pick < 0) {
          return ((Gen<T>) weightsAndGens[i + 1]).next(r);
        }
      }
      throw new IllegalStateException();
    };
  }

  static <T> Gen<T> elements(Collection<? extends T> values) {
    List<T> list = List.copyOf(values);
    return r -> list.get(r.nextInt(list.size()));
  }

  static <T> Gen<List<T>> lists(Gen<? extends T> element, int maxSize) {
    return r -> {
      int n = size(maxSize).next(r);
      List<T> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(element.next(r));
      }
      return out;
    };
  }

  /** Readable form of an input for failure messages: strings quoted and escaped, arrays spelled out. */
  static String show(Object o) {
    if (o instanceof byte[] b) {
      return "bytes[" + b.length + "] \"" + escape(new String(b, StandardCharsets.ISO_8859_1)) + "\"";
    }
    if (o instanceof String s) {
      return "\"" + escape(s) + "\"";
    }
    if (o instanceof Collection<?> c) {
      return c.stream().map(Gen::show).toList().toString();
    }
    if (o instanceof Object[] a) {
      return Arrays.stream(a).map(Gen::show).toList().toString();
    }
    return String.valueOf(o);
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    int limit = Math.min(s.length(), 4096);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return limit < s.length() ? sb + "...(" + s.length() + " chars)" : sb.toString();
  }
}
