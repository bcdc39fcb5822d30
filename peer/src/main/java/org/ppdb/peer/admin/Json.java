package org.ppdb.peer.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON this package needs (RFC 8259): writing strings, and a strict parser with limits
 * for reading {@code /members} responses. A dependency such as Jackson would be more than the two
 * documents here call for, and a parser we own can be held to our limits exactly.
 *
 * <p>The parser maps objects to {@link LinkedHashMap} (duplicate keys are an error), arrays to
 * {@link List}, strings to {@link String}, integers that fit to {@link Long}, other numbers to
 * {@link Double}, and {@code true}/{@code false}/{@code null} to {@link Boolean} and null. Cost:
 * linear in the input; recursion depth bounded by {@code depthMax}. Stateless and thread-safe.
 */
final class Json {

  private Json() {}

  /** Appends {@code value} as a JSON string, escaping what RFC 8259 requires and all controls. */
  static StringBuilder writeString(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /**
   * Parses one JSON value that spans the whole text.
   *
   * @throws IllegalArgumentException with the offset and what was expected, if the text is not
   *     valid JSON or nests deeper than {@code depthMax}
   */
  static Object parse(String text, int depthMax) {
    Parser parser = new Parser(text, depthMax);
    parser.skipWhitespace();
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.at != text.length()) {
      throw parser.error("end of input");
    }
    return value;
  }

  private static final class Parser {
    private final String text;
    private final int depthMax;
    private int at;

    Parser(String text, int depthMax) {
      this.text = text;
      this.depthMax = depthMax;
    }

    IllegalArgumentException error(String expected) {
      String found = at >= text.length() ? "end of input" : "'" + printable(text.charAt(at)) + "'";
      return new IllegalArgumentException(
          "JSON at offset " + at + ": " + found + " (expected: " + expected + ")");
    }

    private static String printable(char c) {
      return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    void skipWhitespace() {
      while (at < text.length()) {
        char c = text.charAt(at);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        at++;
      }
    }

    Object value(int depth) {
      if (at >= text.length()) {
        throw error("a value");
      }
      char c = text.charAt(at);
      return switch (c) {
        case '{' -> object(depth + 1);
        case '[' -> array(depth + 1);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("a value");
        }
      };
    }

    private void checkDepth(int depth) {
      if (depth > depthMax) {
        throw new IllegalArgumentException(
            "JSON at offset "
                + at
                + ": nesting depth "
                + depth
                + " (expected: <= "
                + depthMax
                + ")");
      }
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, at)) {
        throw error("'" + word + "'");
      }
      at += word.length();
      return value;
    }

    private Map<String, Object> object(int depth) {
      checkDepth(depth);
      at++; // '{'
      Map<String, Object> map = new LinkedHashMap<>();
      skipWhitespace();
      if (at < text.length() && text.charAt(at) == '}') {
        at++;
        return map;
      }
      while (true) {
        skipWhitespace();
        if (at >= text.length() || text.charAt(at) != '"') {
          throw error("a string key");
        }
        int keyAt = at;
        String key = string();
        if (map.containsKey(key)) {
          at = keyAt;
          throw error("no duplicate key '" + key + "'");
        }
        skipWhitespace();
        expect(':');
        skipWhitespace();
        map.put(key, value(depth));
        skipWhitespace();
        if (at < text.length() && text.charAt(at) == ',') {
          at++;
          continue;
        }
        expect('}');
        return map;
      }
    }

    private List<Object> array(int depth) {
      checkDepth(depth);
      at++; // '['
      List<Object> list = new ArrayList<>();
      skipWhitespace();
      if (at < text.length() && text.charAt(at) == ']') {
        at++;
        return list;
      }
      while (true) {
        skipWhitespace();
        list.add(value(depth));
        skipWhitespace();
        if (at < text.length() && text.charAt(at) == ',') {
          at++;
          continue;
        }
        expect(']');
        return list;
      }
    }

    private void expect(char c) {
      if (at >= text.length() || text.charAt(at) != c) {
        throw error("'" + c + "'");
      }
      at++;
    }

    private String string() {
      at++; // opening quote
      StringBuilder out = new StringBuilder();
      while (true) {
        if (at >= text.length()) {
          throw error("'\"'");
        }
        char c = text.charAt(at);
        if (c == '"') {
          at++;
          return out.toString();
        }
        if (c < 0x20) {
          throw error("no control character in a string");
        }
        if (c != '\\') {
          out.append(c);
          at++;
          continue;
        }
        at++;
        if (at >= text.length()) {
          throw error("an escape");
        }
        char e = text.charAt(at);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (at + 4 >= text.length()) {
              throw error("four hex digits");
            }
            int code = 0;
            for (int i = 1; i <= 4; i++) {
              int digit = Character.digit(text.charAt(at + i), 16);
              if (digit < 0) {
                at += i;
                throw error("a hex digit");
              }
              code = code * 16 + digit;
            }
            out.append((char) code);
            at += 4;
          }
          default -> throw error("an escape (one of \"\\/bfnrtu)");
        }
        at++;
      }
    }

    private Object number() {
      int start = at;
      if (text.charAt(at) == '-') {
        at++;
      }
      if (at >= text.length() || !isDigit(text.charAt(at))) {
        throw error("a digit");
      }
      if (text.charAt(at) == '0') {
        at++;
      } else {
        while (at < text.length() && isDigit(text.charAt(at))) {
          at++;
        }
      }
      boolean integral = true;
      if (at < text.length() && text.charAt(at) == '.') {
        integral = false;
        at++;
        digits();
      }
      if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
        integral = false;
        at++;
        if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
          at++;
        }
        digits();
      }
      String literal = text.substring(start, at);
      if (integral) {
        try {
          return Long.parseLong(literal);
        } catch (NumberFormatException e) {
          // Too large for a long: fall through to a double, the caller decides if that is valid.
        }
      }
      return Double.parseDouble(literal);
    }

    private void digits() {
      if (at >= text.length() || !isDigit(text.charAt(at))) {
        throw error("a digit");
      }
      while (at < text.length() && isDigit(text.charAt(at))) {
        at++;
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }
}
