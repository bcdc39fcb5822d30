package org.ppdb.peer.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RESP2 on the client side: commands encoded straight into one buffer, and replies decoded into
 * plain Java values so that no reference-counted buffer outlives the event loop that read it.
 *
 * <p>Decoded replies: {@link String} for a simple string, {@link ServerError} for an error, {@link
 * Long} for an integer, {@code byte[]} for a bulk string, {@code null} for a null bulk string or
 * array, {@code List<Object>} for an array.
 */
final class Replies {
  private Replies() {}

  /** An error reply, such as {@code ERR syntax error} or {@code TIMEOUT ...}. */
  record ServerError(String message) {
    /** The first word: {@code ERR}, {@code TIMEOUT}, {@code NOAUTH}, ... */
    String code() {
      int space = message.indexOf(' ');
      return space < 0 ? message : message.substring(0, space);
    }
  }

  /** Bytes of {@code args} as a RESP array of bulk strings. */
  static int encodedSize(byte[][] args) {
    int size = 1 + digits(args.length) + 2;
    for (byte[] a : args) {
      size += 1 + digits(a.length) + 2 + a.length + 2;
    }
    return size;
  }

  static void encode(byte[][] args, ByteBuf out) {
    out.writeByte('*');
    writeDecimal(out, args.length);
    out.writeShort(CRLF);
    for (byte[] a : args) {
      out.writeByte('$');
      writeDecimal(out, a.length);
      out.writeShort(CRLF);
      out.writeBytes(a);
      out.writeShort(CRLF);
    }
  }

  private static final int CRLF = ('\r' << 8) | '\n';

  private static int digits(int n) {
    int d = 1;
    while (n >= 10) {
      n /= 10;
      d++;
    }
    return d;
  }

  private static void writeDecimal(ByteBuf out, int n) {
    ByteBufUtil.writeAscii(out, Integer.toString(n));
  }

  /** Decodes {@code message} (not released here). */
  static Object decode(RedisMessage message) {
    if (message instanceof FullBulkStringRedisMessage bulk) {
      if (bulk.isNull()) {
        return null;
      }
      return ByteBufUtil.getBytes(bulk.content());
    }
    if (message instanceof SimpleStringRedisMessage s) {
      return s.content();
    }
    if (message instanceof ErrorRedisMessage e) {
      return new ServerError(e.content());
    }
    if (message instanceof IntegerRedisMessage i) {
      return i.value();
    }
    if (message instanceof ArrayRedisMessage array) {
      if (array.isNull()) {
        return null;
      }
      List<Object> items = new ArrayList<>(array.children().size());
      for (RedisMessage child : array.children()) {
        items.add(decode(child));
      }
      return items;
    }
    throw new IllegalArgumentException(
        "reply: " + message.getClass().getSimpleName() + " (expected: an aggregated RESP2 reply)");
  }

  static String utf8(Object bulk) {
    return new String((byte[]) bulk, StandardCharsets.UTF_8);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
