package org.ppdb.peer.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TCP connection to a peer, as the transport's send path sees it: frames sent before it is
 * ready (TLS and hello done) wait in a bounded queue; once ready, a frame is written at once unless
 * the channel is over its write-buffer high-water mark, in which case it is dropped (backpressure:
 * the peer or the network is slower than we send, and queueing more would only grow memory and
 * latency).
 *
 * <p>Thread-safe: any thread may {@link #send}; state changes are synchronized.
 */
final class StreamConnection {
  private enum State {
    OPENING,
    READY,
    CLOSED
  }

  private final boolean outbound;
  private final int pendingMax;
  private final TransportCounters counters;
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<byte[]> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outboxSize = new AtomicInteger();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private Channel channel;
  private InetSocketAddress key;
  private State state = State.OPENING;
  private boolean everReady;

  StreamConnection(
      InetSocketAddress key, boolean outbound, int pendingMax, TransportCounters counters) {
    this.key = key;
    this.outbound = outbound;
    this.pendingMax = pendingMax;
    this.counters = counters;
  }

  synchronized void attach(Channel channel) {
    this.channel = channel;
  }

  synchronized InetSocketAddress key() {
    return key;
  }

  synchronized void key(InetSocketAddress key) {
    this.key = key;
  }

  boolean outbound() {
    return outbound;
  }

  synchronized boolean everReady() {
    return everReady;
  }

  /** Writes or queues one encoded message. */
  synchronized SendResult send(byte[] payload) {
    switch (state) {
      case CLOSED:
        return counters.dropped(SendResult.DROPPED_CLOSED);
      case OPENING:
        if (pending.size() >= pendingMax) {
          return counters.dropped(SendResult.DROPPED_BACKPRESSURE);
        }
        pending.add(payload);
        return SendResult.SENT;
      default:
        if (!channel.isWritable() || outboxSize.get() >= pendingMax) {
          return counters.dropped(SendResult.DROPPED_BACKPRESSURE);
        }
        outboxSize.incrementAndGet();
        outbox.add(payload);
        if (drainScheduled.compareAndSet(false, true)) {
          channel.eventLoop().execute(this::drain);
        }
        return SendResult.SENT;
    }
  }

  /**
   * On the event loop: writes every frame sent since the last drain, then flushes once, so a burst
   * of sends becomes as few TLS records and system calls as fit, instead of one of each per frame.
   * The flag is cleared before polling, so a frame added after the last poll schedules a new drain.
   */
  private void drain() {
    drainScheduled.set(false);
    byte[] payload;
    int written = 0;
    while ((payload = outbox.poll()) != null) {
      outboxSize.decrementAndGet();
      write(channel, payload, counters, false);
      written++;
    }
    if (written > 0) {
      channel.flush();
    }
  }

  /** TLS and hello are done: flush what waited. */
  synchronized void becomeReady() {
    if (state != State.OPENING) {
      return;
    }
    state = State.READY;
    everReady = true;
    byte[] payload;
    while ((payload = pending.poll()) != null) {
      write(channel, payload, counters, false);
    }
    channel.flush();
  }

  /** The channel closed: drop what waited, refuse what comes. */
  synchronized void becomeClosed() {
    state = State.CLOSED;
    while (pending.poll() != null) {
      counters.dropped(SendResult.DROPPED_CLOSED);
    }
    while (outbox.poll() != null) {
      outboxSize.decrementAndGet();
      counters.dropped(SendResult.DROPPED_CLOSED);
    }
  }

  /** Writes one frame: a 4-byte big-endian length, then the payload. */
  static void write(Channel channel, byte[] payload, TransportCounters counters, boolean flush) {
    ByteBuf frame = channel.alloc().buffer(4 + payload.length);
    frame.writeInt(payload.length).writeBytes(payload);
    counters.frameSent(4 + payload.length);
    if (flush) {
      channel.writeAndFlush(frame, channel.voidPromise());
    } else {
      channel.write(frame, channel.voidPromise());
    }
  }
}
