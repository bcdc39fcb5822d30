package org.ppdb.peer.resp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: turns decoded commands into calls of {@link
 * RespCommands} and writes the replies strictly in arrival order, however the backend's stages
 * complete (Redis pipelining).
 *
 * <h2>Ordering</h2>
 *
 * Commands start in arrival order. A command starts as soon as no running command of the connection
 * shares a key with it, so pipelined commands on different keys overlap while a GET after a SET of
 * the same key sees the SET; a barrier command (SCAN, DBSIZE, QUIT) waits for all earlier ones and
 * holds back all later ones. Once one command waits, every later command waits behind it, so
 * connection state changes (AUTH, PPDB.CONSISTENCY) apply to exactly the commands after them.
 * Replies wait in a queue until every earlier reply is written.
 *
 * <h2>Limits and backpressure</h2>
 *
 * With {@code pipelineCommandsMax} commands unanswered, or the channel not writable, the handler
 * stops reading from the socket until the backlog halves; at {@code pipelineCommandsHardMax} (only
 * reachable by input already read) the client gets an error and the connection closes. Protocol
 * violations (from the decoder or {@link RespCommandAssembler}) are answered with {@code -ERR
 * Protocol error: ...} after the replies already owed, then the connection closes.
 *
 * <p>One instance per connection; all methods run on the connection's event loop. Backend stages
 * may complete on any thread; their results hop back to the event loop.
 */
final class RespConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RespConnectionHandler.class);

  /** One received command and, once known, its reply. */
  private static final class Pending {
    final byte[][] args;
    final CommandSpec spec;
    final List<KeyRef> keys;
    final long bytes;
    final boolean barrier;
    RedisMessage reply;
    boolean closeAfterReply;

    /** Set when the connection gave up on this command: its reply is released, not written. */
    boolean dropped;

    Pending(byte[][] args, CommandSpec spec, List<KeyRef> keys, long bytes, boolean barrier) {
      this.args = args;
      this.spec = spec;
      this.keys = keys;
      this.bytes = bytes;
      this.barrier = barrier;
    }
  }

  private final RespConfig config;
  private final RespSession session;
  private final RespCommands commands;
  private final RespCommandAssembler guard;
  private final ClientRegistry clients;
  private final boolean protectedMode;

  private final ArrayDeque<Pending> unanswered = new ArrayDeque<>();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final HashMap<KeyRef, Integer> busyKeys = new HashMap<>();
  private ChannelHandlerContext ctx;
  private int running;
  private boolean barrierRunning;
  private long unansweredBytes;
  private boolean closing;
  private boolean readPaused;
  private boolean inRead;
  private boolean flushPending;
  private boolean registered;
  private boolean inactive;
  private boolean flushScheduled;
  private boolean starting;
  private final Runnable flushTask =
      () -> {
        flushScheduled = false;
        ctx.flush();
      };

  RespConnectionHandler(
      RespConfig config,
      RespSession session,
      RespCommands commands,
      RespCommandAssembler guard,
      ClientRegistry clients,
      boolean protectedMode) {
    this.config = config;
    this.session = session;
    this.commands = commands;
    this.guard = guard;
    this.clients = clients;
    this.protectedMode = protectedMode;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    java.net.SocketAddress remote = ctx.channel().remoteAddress();
    if (remote instanceof InetSocketAddress inet
        && !ProtectedMode.admits(protectedMode, inet.getAddress())) {
      refuse(ctx, ProtectedMode.DENIED_MESSAGE);
      return;
    }
    if (!clients.register(session)) {
      refuse(ctx, "ERR max number of clients reached");
      return;
    }
    registered = true;
    super.channelActive(ctx);
  }

  private void refuse(ChannelHandlerContext ctx, String error) {
    closing = true;
    guard.discardInput();
    ctx.writeAndFlush(new ErrorRedisMessage(error)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closing = true;
    inactive = true;
    if (registered) {
      clients.unregister(session);
      registered = false;
    }
    dropAll();
    super.channelInactive(ctx);
  }

  /** Gives up on every unanswered command, releasing replies already computed. */
  private void dropAll() {
    for (Pending p : unanswered) {
      p.dropped = true;
      ReferenceCountUtil.release(p.reply);
      p.reply = null;
    }
    unanswered.clear();
    waiting.clear();
    unansweredBytes = 0;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inRead = true;
    if (closing || !(msg instanceof byte[][] args)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (args.length > config.argumentsMax()) {
      protocolError(
          "too many arguments (arguments: "
              + args.length
              + ", expected: <= "
              + config.argumentsMax()
              + ")");
      return;
    }
    if (unanswered.size() >= config.pipelineCommandsHardMax()) {
      abort(
          "ERR too many pipelined commands (unanswered: "
              + unanswered.size()
              + ", expected: < "
              + config.pipelineCommandsHardMax()
              + ")");
      return;
    }
    accept(args);
  }

  private void accept(byte[][] args) {
    String name = new String(args[0], StandardCharsets.ISO_8859_1);
    CommandSpec spec = CommandSpec.lookup(name);
    long bytes = 0;
    for (byte[] a : args) {
      bytes += a.length;
    }
    List<KeyRef> keys = spec == null ? List.of() : keysOf(spec, args, 0);
    boolean barrier =
        spec != null && (spec.has(CommandSpec.Flag.BARRIER) || (spec.wrapper() && keys == null));
    Pending p = new Pending(args, spec, keys == null ? List.of() : keys, bytes, barrier);
    if (spec == CommandSpec.QUIT) {
      // Nothing after QUIT is processed.
      closing = true;
      guard.discardInput();
    }
    unanswered.add(p);
    unansweredBytes += bytes;
    waiting.add(p);
    startReady();
    updateReading();
  }

  /**
   * The keys of a command for ordering, from the table's key positions ({@code offset} skips a
   * wrapper such as PPDB.AT); {@code null} when a wrapped command's keys cannot be known.
   */
  static List<KeyRef> keysOf(CommandSpec spec, byte[][] args, int offset) {
    if (spec.wrapper()) {
      if (args.length < offset + 3) {
        return null;
      }
      CommandSpec inner =
          CommandSpec.lookup(new String(args[offset + 2], StandardCharsets.ISO_8859_1));
      if (inner == null
          || inner.has(CommandSpec.Flag.BARRIER)
          || (inner.wrapper() && !RespCommands.wraps(spec, inner))) {
        return null;
      }
      return keysOf(inner, args, offset + 2);
    }
    if (spec.firstKey == 0 || !spec.arityAccepts(args.length - offset)) {
      return List.of();
    }
    int last = spec.lastKey < 0 ? args.length - offset + spec.lastKey : spec.lastKey;
    List<KeyRef> keys = new ArrayList<>(Math.max(1, (last - spec.firstKey) / spec.keyStep + 1));
    for (int i = spec.firstKey; i <= last && offset + i < args.length; i += spec.keyStep) {
      keys.add(new KeyRef(args[offset + i]));
    }
    return keys;
  }

  private void startReady() {
    if (starting) {
      // A command that completed synchronously inside start(): the loop below continues, instead
      // of recursing once per waiting command (thousands may wait behind a barrier).
      return;
    }
    starting = true;
    try {
      while (!waiting.isEmpty() && !inactive) {
        Pending p = waiting.peekFirst();
        if (!canStart(p)) {
          return;
        }
        waiting.pollFirst();
        start(p);
      }
    } finally {
      starting = false;
    }
  }

  private boolean canStart(Pending p) {
    if (barrierRunning) {
      return false;
    }
    if (p.barrier) {
      return running == 0;
    }
    for (KeyRef k : p.keys) {
      if (busyKeys.containsKey(k)) {
        return false;
      }
    }
    return true;
  }

  private void start(Pending p) {
    running++;
    if (p.barrier) {
      barrierRunning = true;
    }
    for (KeyRef k : p.keys) {
      busyKeys.merge(k, 1, Integer::sum);
    }
    if (p.spec == CommandSpec.QUIT) {
      p.closeAfterReply = true;
      complete(p, RespCommands.OK, null);
      return;
    }
    CompletionStage<RedisMessage> stage;
    try {
      stage = commands.execute(session, p.args, p.spec);
    } catch (RuntimeException e) {
      complete(p, null, e);
      return;
    }
    stage.whenComplete(
        (reply, error) -> {
          if (ctx.executor().inEventLoop()) {
            complete(p, reply, error);
          } else {
            ctx.executor().execute(() -> complete(p, reply, error));
          }
        });
  }

  private void complete(Pending p, RedisMessage reply, Throwable error) {
    running--;
    if (p.barrier) {
      barrierRunning = false;
    }
    for (KeyRef k : p.keys) {
      busyKeys.computeIfPresent(k, (key, n) -> n == 1 ? null : n - 1);
    }
    if (p.dropped) {
      ReferenceCountUtil.release(reply);
      return;
    }
    p.reply = error != null ? commands.errorReply(error) : reply;
    writeAnswered();
    startReady();
    updateReading();
  }

  /** Writes every reply at the head of the queue that is ready. */
  private void writeAnswered() {
    boolean wrote = false;
    boolean close = false;
    while (!unanswered.isEmpty() && unanswered.peekFirst().reply != null) {
      Pending p = unanswered.pollFirst();
      unansweredBytes -= p.bytes;
      ctx.write(p.reply, ctx.voidPromise());
      p.reply = null;
      wrote = true;
      if (p.closeAfterReply) {
        close = true;
        break;
      }
    }
    if (close) {
      dropAll();
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (wrote) {
      if (inRead) {
        flushPending = true;
      } else if (!flushScheduled) {
        // Replies completed by the backend arrive as separate event-loop tasks; one flush task
        // queued behind them writes them with one system call instead of one each.
        flushScheduled = true;
        ctx.executor().execute(flushTask);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inRead = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    updateReading();
    super.channelWritabilityChanged(ctx);
  }

  /** Pauses reading when the backlog is full or the client does not read its replies. */
  private void updateReading() {
    boolean full =
        unanswered.size() >= config.pipelineCommandsMax()
            || unansweredBytes >= config.commandBytesMax();
    boolean drained =
        unanswered.size() <= config.pipelineCommandsMax() / 2
            && unansweredBytes < config.commandBytesMax() / 2;
    boolean writable = ctx.channel().isWritable();
    if (!readPaused && (full || !writable)) {
      readPaused = true;
      ctx.channel().config().setAutoRead(false);
    } else if (readPaused && drained && writable && !closing) {
      readPaused = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      Throwable root = cause instanceof RespProtocolException ? cause : rootCause(cause);
      protocolError(root.getMessage());
      return;
    }
    if (cause instanceof IOException) {
      log.debug("client connection {} failed: {}", session.id, cause.toString());
    } else {
      log.warn("client connection {} failed", session.id, cause);
    }
    closing = true;
    guard.discardInput();
    ctx.close();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private void protocolError(String message) {
    closeWithError("ERR Protocol error: " + message);
  }

  /**
   * Answers {@code error} at once, dropping the replies owed, and closes: for a client that overran
   * the hard limits, whose earlier commands may not complete soon.
   */
  private void abort(String error) {
    closing = true;
    guard.discardInput();
    dropAll();
    ctx.flush();
    ctx.writeAndFlush(new ErrorRedisMessage(error)).addListener(ChannelFutureListener.CLOSE);
  }

  /** Answers {@code error} after the replies owed, then closes; discards all further input. */
  private void closeWithError(String error) {
    if (closing && unanswered.isEmpty()) {
      return;
    }
    closing = true;
    guard.discardInput();
    // Commands received before the violation still run; the error follows their replies.
    Pending p = new Pending(new byte[0][], null, List.of(), 0, false);
    p.closeAfterReply = true;
    p.reply = new ErrorRedisMessage(error);
    unanswered.add(p);
    writeAnswered();
    if (inRead) {
      // writeAnswered deferred the flush; the close listener needs the error flushed now.
      ctx.flush();
    }
  }
}
