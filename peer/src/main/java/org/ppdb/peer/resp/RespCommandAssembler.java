package org.ppdb.peer.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringRedisContent;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.LastBulkStringRedisContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Turns the parts that Netty's {@code RedisDecoder} produces into commands ({@code byte[][]}, the
 * name first), enforcing the protocol shape and every size limit before anything is allocated.
 *
 * <p>Why not Netty's {@code RedisBulkStringAggregator} and {@code RedisArrayAggregator}: the array
 * aggregator preallocates a list of whatever length a header announces, and keeps (and never
 * releases) the bulk strings of an array that never completes, so a client that is cut off in the
 * middle of a command leaks buffers. Here a command is assembled into plain byte arrays, each
 * allocated only after its length passed the limits, and every decoder buffer is released as soon
 * as it is copied.
 *
 * <p>Two handlers share one state: {@link #bytes()} goes before the decoder and bounds the bytes
 * received since the decoder last produced anything (the decoder bounds inline commands but not the
 * length lines of {@code *} and {@code $} headers); {@link #parts()} goes after it. The limits: a
 * command is an array of bulk strings (or an inline command) with at most {@code argumentsMax}
 * arguments, each at most {@code bulkBytesMax} bytes, together at most {@code commandBytesMax};
 * before authentication the smaller limits of Redis 7 apply. A violation throws {@link
 * RespProtocolException}, which the connection handler answers with an error and a close; from then
 * on all input is discarded.
 *
 * <p>One instance per connection; called on its event loop only. O(1) per part plus the copy.
 */
final class RespCommandAssembler {
  private final RespConfig config;
  private final RespSession session;
  private final Bytes bytes = new Bytes();
  private final Parts parts = new Parts();

  private long bytesSinceOutput;
  private boolean outputDuringRead;
  private boolean discarding;

  /** The command being assembled, or {@code null} between commands. */
  private byte[][] args;

  private int argsFilled;
  private long commandBytes;

  /** The bulk string being filled, or {@code null}. */
  private byte[] bulk;

  private int bulkFilled;

  RespCommandAssembler(RespConfig config, RespSession session) {
    this.config = config;
    this.session = session;
  }

  /** The handler to place before the decoder. */
  ChannelInboundHandlerAdapter bytes() {
    return bytes;
  }

  /** The handler to place right after the decoder; it emits {@code byte[][]} commands. */
  ChannelInboundHandlerAdapter parts() {
    return parts;
  }

  /** Drops all further input (after a violation, or once the connection is closing). */
  void discardInput() {
    discarding = true;
    args = null;
    bulk = null;
  }

  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (discarding) {
        ReferenceCountUtil.release(msg);
        return;
      }
      int n = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
      outputDuringRead = false;
      ctx.fireChannelRead(msg);
      if (outputDuringRead) {
        // The bytes left undecoded in the decoder are at most this read (64 KiB).
        bytesSinceOutput = 0;
        return;
      }
      bytesSinceOutput += n;
      // While a bulk string streams in, every read produces a part; only a line that never ends
      // (a header or an inline command) grows without output.
      if (bytesSinceOutput > config.inlineBytesMax() && !discarding) {
        discardInput();
        throw new RespProtocolException(
            "too big inline request or header line (lineBytes: "
                + bytesSinceOutput
                + ", expected: <= "
                + config.inlineBytesMax()
                + ")");
      }
    }
  }

  private final class Parts extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      outputDuringRead = true;
      if (discarding) {
        ReferenceCountUtil.release(msg);
        return;
      }
      String violation;
      try {
        violation = accept(msg);
      } finally {
        ReferenceCountUtil.release(msg);
      }
      if (violation != null) {
        discardInput();
        throw new RespProtocolException(violation);
      }
      if (args != null && argsFilled == args.length) {
        byte[][] command = args;
        args = null;
        ctx.fireChannelRead(command);
      }
    }
  }

  private boolean authenticated() {
    return !config.passwordRequired() || session.authenticated();
  }

  /** Takes one decoded part; returns a violation message or {@code null}. */
  private String accept(Object msg) {
    if (msg instanceof ArrayHeaderRedisMessage header) {
      if (args != null) {
        return "expected '$', got '*'";
      }
      long length = header.length();
      boolean auth = authenticated();
      long max = auth ? config.argumentsMax() : config.preAuthArgumentsMax();
      if (length > max) {
        return (auth ? "invalid" : "unauthenticated")
            + " multibulk length (arguments: "
            + length
            + ", expected: <= "
            + max
            + ")";
      }
      if (length > 0) {
        // An empty or null array is no command; Redis ignores it too.
        args = new byte[(int) length][];
        argsFilled = 0;
        commandBytes = 0;
      }
      return null;
    }
    if (msg instanceof BulkStringHeaderRedisMessage header) {
      if (args == null) {
        return "expected '*', got '$'";
      }
      return startBulk(header.bulkStringLength());
    }
    // A FullBulkStringRedisMessage is also a BulkStringRedisContent: test it first.
    if (msg instanceof FullBulkStringRedisMessage full) {
      // The decoder delivers only empty ($0) and null ($-1) bulk strings whole.
      if (args == null) {
        return "expected '*', got '$'";
      }
      if (full.isNull()) {
        return "invalid bulk length (-1)";
      }
      String violation = startBulk(full.content().readableBytes());
      if (violation == null) {
        args[argsFilled++] = new byte[0];
        bulk = null;
      }
      return violation;
    }
    if (msg instanceof BulkStringRedisContent content) {
      ByteBuf data = content.content();
      int n = data.readableBytes();
      if (bulk == null || n > bulk.length - bulkFilled) {
        return "bulk string content without a matching header";
      }
      data.getBytes(data.readerIndex(), bulk, bulkFilled, n);
      bulkFilled += n;
      if (msg instanceof LastBulkStringRedisContent) {
        if (bulkFilled != bulk.length) {
          return "bulk string shorter than its header";
        }
        args[argsFilled++] = bulk;
        bulk = null;
      }
      return null;
    }
    if (msg instanceof InlineCommandRedisMessage inline) {
      if (args != null) {
        return "expected '$', got an inline command";
      }
      List<byte[]> words = InlineCommand.split(inline.content());
      int max = authenticated() ? config.argumentsMax() : config.preAuthArgumentsMax();
      if (words.size() > max) {
        return "too many arguments in inline command (arguments: "
            + words.size()
            + ", expected: <= "
            + max
            + ")";
      }
      if (!words.isEmpty()) {
        args = words.toArray(new byte[0][]);
        argsFilled = args.length;
      }
      return null;
    }
    String type = msg.getClass().getSimpleName().replace("RedisMessage", "");
    return "unexpected " + type + " from client";
  }

  private String startBulk(long length) {
    if (bulk != null) {
      return "bulk string header inside a bulk string";
    }
    boolean auth = authenticated();
    long max = auth ? config.bulkBytesMax() : config.preAuthBulkBytesMax();
    if (length > max) {
      return (auth ? "invalid" : "unauthenticated")
          + " bulk length (bulkBytes: "
          + length
          + ", expected: <= "
          + max
          + ")";
    }
    commandBytes += length;
    if (commandBytes > config.commandBytesMax()) {
      return "command too large (commandBytes: "
          + commandBytes
          + ", expected: <= "
          + config.commandBytesMax()
          + ")";
    }
    bulk = new byte[(int) length];
    bulkFilled = 0;
    return null;
  }
}
