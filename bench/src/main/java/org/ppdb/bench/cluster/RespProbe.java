package org.ppdb.bench.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 client for the benchmark's readiness checks ({@code PING}, {@code
 * PPDB.TOPOLOGY}): one connection per command, bounded in time and in reply size. Not a load
 * generator; the load comes from redis-benchmark and the Java clients.
 *
 * <p>Replies map to Java as: simple string → {@link String}, error → {@link RespError}, integer →
 * {@link Long}, bulk string → {@link String} (UTF-8) or {@code null}, array → {@link List} or
 * {@code null}. Stateless and thread-safe.
 */
final class RespProbe {
  /** Longest bulk string accepted in a reply. */
  static final int BULK_BYTES_MAX = 1 << 20;

  /** Most elements in one reply array. */
  static final int ARRAY_ELEMENTS_MAX = 1 << 16;

  /** Deepest nesting of arrays accepted. */
  static final int DEPTH_MAX = 8;

  /** An error reply, e.g. {@code ERR unknown command}. */
  record RespError(String message) {}

  private RespProbe() {}

  /** Sends one command to {@code address} and returns its parsed reply. */
  static Object command(InetSocketAddress address, Duration timeout, String... args)
      throws IOException {
    try (Socket socket = new Socket()) {
      int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
      socket.connect(address, millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(encode(args));
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    }
  }

  /** A command as a RESP2 array of bulk strings. */
  static byte[] encode(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeLine(out, "*" + args.length);
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      writeLine(out, "$" + bytes.length);
      out.writeBytes(bytes);
      writeLine(out, "");
    }
    return out.toByteArray();
  }

  /** Reads one reply from {@code in}. */
  static Object read(InputStream in) throws IOException {
    return read(in, 0);
  }

  private static Object read(InputStream in, int depth) throws IOException {
    if (depth > DEPTH_MAX) {
      throw new IOException("RESP reply: nesting " + depth + " (expected: <= " + DEPTH_MAX + ")");
    }
    int type = in.read();
    if (type < 0) {
      throw new EOFException("RESP reply: connection closed");
    }
    String line = readLine(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        return new RespError(line);
      case ':':
        return parseLong(line);
      case '$':
        {
          long length = parseLong(line);
          if (length < 0) {
            return null;
          }
          if (length > BULK_BYTES_MAX) {
            throw new IOException(
                "RESP reply: bulk of " + length + " bytes (expected: <= " + BULK_BYTES_MAX + ")");
          }
          byte[] bytes = in.readNBytes((int) length);
          if (bytes.length != length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("RESP reply: truncated bulk string");
          }
          return new String(bytes, StandardCharsets.UTF_8);
        }
      case '*':
        {
          long count = parseLong(line);
          if (count < 0) {
            return null;
          }
          if (count > ARRAY_ELEMENTS_MAX) {
            throw new IOException(
                "RESP reply: array of " + count + " (expected: <= " + ARRAY_ELEMENTS_MAX + ")");
          }
          List<Object> elements = new ArrayList<>((int) count);
          for (long i = 0; i < count; i++) {
            elements.add(read(in, depth + 1));
          }
          return elements;
        }
      default:
        throw new IOException("RESP reply: unknown type byte " + type);
    }
  }

  private static long parseLong(String line) throws IOException {
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw new IOException("RESP reply: not a number: '" + line + "'", e);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("RESP reply: connection closed in a line");
      }
      if (b == '\r') {
        if (in.read() != '\n') {
          throw new IOException("RESP reply: CR without LF");
        }
        return line.toString(StandardCharsets.UTF_8);
      }
      if (line.size() >= BULK_BYTES_MAX) {
        throw new IOException("RESP reply: line longer than " + BULK_BYTES_MAX + " bytes");
      }
      line.write(b);
    }
  }

  private static void writeLine(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
  }

  /**
   * How many members of a {@code PPDB.TOPOLOGY} reply are {@code normal} and {@code alive}: the
   * reply is {@code [N, [[id, host, port, state, status, [tokens...]], ...]]}.
   *
   * @throws IllegalArgumentException if the reply has another shape
   */
  static int normalAliveMembers(Object topology) {
    if (topology instanceof RespError error) {
      throw new IllegalArgumentException("PPDB.TOPOLOGY: " + error.message());
    }
    if (!(topology instanceof List<?> reply)
        || reply.size() != 2
        || !(reply.get(1) instanceof List<?> entries)) {
      throw new IllegalArgumentException("PPDB.TOPOLOGY: not [N, [entries]]: " + topology);
    }
    int count = 0;
    for (Object entry : entries) {
      if (!(entry instanceof List<?> fields) || fields.size() < 5) {
        throw new IllegalArgumentException("PPDB.TOPOLOGY: malformed entry " + entry);
      }
      if ("normal".equals(fields.get(3)) && "alive".equals(fields.get(4))) {
        count++;
      }
    }
    return count;
  }
}
