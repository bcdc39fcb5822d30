package org.ppdb.peer.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipelined connection to a peer: the last handler of the channel's pipeline. Redis answers the
 * commands of a connection in order, so the connection keeps the requests it wrote in a FIFO and
 * gives each reply to the oldest; there is no request id on the wire.
 *
 * <p>Bounds: {@link #permits} caps the requests in flight (written or about to be, not yet
 * answered); a caller takes a permit before {@link #send} and the permit returns when the request
 * leaves the FIFO, by its reply or by the connection's end. A request that timed out keeps its
 * place (and permit) until its late reply arrives, so that later replies still match; if that reply
 * does not come within another request timeout, the connection is considered stuck and closed.
 *
 * <p>Threading: {@link #send} and the permit methods are thread-safe; everything else runs on the
 * channel's event loop. Requests enter the FIFO in the drain task, on the event loop, in the order
 * they are written to the socket, whatever thread sent them.
 */
final class Connection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** Permits released when the connection ends, to wake every caller waiting for one. */
  private static final int PERMITS_RELEASED_AT_CLOSE = 1 << 20;

  final Endpoint endpoint;
  final Semaphore permits;
  private final int permitsMax;
  private final long stuckGraceNanos;
  private final ArrayDeque<Request> pending = new ArrayDeque<>();
  private final java.util.Queue<Request> outbox =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean drainScheduled =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final Runnable drainTask = this::drain;
  private ChannelHandlerContext ctx;
  private Channel channel;
  private volatile boolean open = true;

  /** Set once the connection's init commands (AUTH, PPDB.CONSISTENCY) succeeded. */
  volatile boolean ready;

  Connection(Endpoint endpoint, int permitsMax, long stuckGraceNanos) {
    this.endpoint = endpoint;
    this.permitsMax = permitsMax;
    this.permits = new Semaphore(permitsMax);
    this.stuckGraceNanos = stuckGraceNanos;
  }

  /** Requests in flight now (approximate). */
  int inFlight() {
    return permitsMax - permits.availablePermits();
  }

  boolean open() {
    return open;
  }

  boolean usable() {
    return open && ready;
  }

  Channel channel() {
    return channel;
  }

  /**
   * Sends {@code request}; its reply future completes with the reply, with {@link
   * Request.ConnectionLost} or with {@link PpdbTimeoutException}. If {@code request.holdsPermit},
   * the caller took a permit, which this connection returns.
   *
   * <p>Requests of all threads meet in an outbox that one event-loop task drains, writing the batch
   * with one flush: many callers cost one task, one wake-up and one system call, not one each. The
   * outbox is bounded by the permits (and the few init commands).
   */
  void send(Request request) {
    outbox.add(request);
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(drainTask);
      } catch (java.util.concurrent.RejectedExecutionException shutdown) {
        drainScheduled.set(false);
        for (Request r; (r = outbox.poll()) != null; ) {
          // Not on the event loop, but the loop is gone: nothing else touches these requests.
          r.reply.completeExceptionally(
              new Request.ConnectionLost("client is closed (" + endpoint + ")", false));
          if (r.holdsPermit) {
            permits.release();
          }
        }
      }
    }
  }

  private void drain() {
    // Cleared first: a request added after the loop below schedules another drain.
    drainScheduled.set(false);
    boolean wrote = false;
    for (Request r; (r = outbox.poll()) != null; ) {
      wrote |= write(r);
    }
    if (wrote) {
      ctx.flush();
    }
  }

  void close() {
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
  }

  /** Writes one request (not flushed); false if it was failed instead. On the event loop. */
  private boolean write(Request request) {
    long remaining = request.deadlineNanos - System.nanoTime();
    if (!open || !channel.isActive()) {
      finish(request);
      request.reply.completeExceptionally(
          new Request.ConnectionLost("connection to " + endpoint + " is closed", false));
      return false;
    }
    if (remaining <= 0) {
      finish(request);
      request.reply.completeExceptionally(
          new PpdbTimeoutException(
              request.name() + " to " + endpoint + ": timed out before it was sent"));
      return false;
    }
    pending.add(request);
    request.timer =
        ctx.executor().schedule(() -> timeOut(ctx, request), remaining, TimeUnit.NANOSECONDS);
    ByteBuf out = ctx.alloc().buffer(Replies.encodedSize(request.args));
    Replies.encode(request.args, out);
    ctx.write(out)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                request.written = true;
              } else {
                // A failed write leaves the FIFO out of step with the server: end the connection.
                ctx.close();
              }
            });
    return true;
  }

  private void timeOut(ChannelHandlerContext ctx, Request request) {
    request.reply.completeExceptionally(
        new PpdbTimeoutException(
            request.name()
                + " to "
                + endpoint
                + ": no reply in time"
                + (request.written ? "; the request may or may not have taken effect" : "")));
    // The slot stays in the FIFO for the late reply; a connection that never sends it is stuck.
    ctx.executor()
        .schedule(
            () -> {
              if (!request.answered && open) {
                log.info("connection to {} gives no replies: closing it", endpoint);
                ctx.close();
              }
            },
            stuckGraceNanos,
            TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Object reply;
    try {
      reply = Replies.decode((RedisMessage) msg);
    } finally {
      ReferenceCountUtil.release(msg);
    }
    Request request = pending.poll();
    if (request == null) {
      log.warn("reply from {} without a request: closing the connection", endpoint);
      ctx.close();
      return;
    }
    finish(request);
    request.reply.complete(reply);
  }

  /** Takes {@code request} off the books: cancels its timer and returns its permit. */
  private void finish(Request request) {
    request.answered = true;
    if (request.timer != null) {
      request.timer.cancel(false);
    }
    if (request.holdsPermit) {
      permits.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    open = false;
    ready = false;
    // Requests still in the outbox were never written; drain() fails them as not sent.
    drain();
    for (Request request; (request = pending.poll()) != null; ) {
      finish(request);
      request.reply.completeExceptionally(
          new Request.ConnectionLost(
              "connection to "
                  + endpoint
                  + " lost"
                  + (request.written
                      ? " after the request was sent"
                      : " before the request was sent"),
              request.written));
    }
    // Wake callers waiting for a permit of this connection: their send fails as not sent, and
    // they fail over.
    permits.release(PERMITS_RELEASED_AT_CLOSE);
    endpoint.onClosed(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("connection to {} failed: {}", endpoint, cause.toString());
    ctx.close();
  }
}
