package org.ppdb.peer.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.wire.Hello;
import org.ppdb.peer.wire.WireCodec;
import org.ppdb.peer.wire.WireRegistry;

/**
 * The last handler of a stream connection. Receives whole frames (the length prefix already
 * stripped by a {@code LengthFieldBasedFrameDecoder}), decodes them and passes them to the sink.
 *
 * <p>Protocol: after {@link PeerAuthenticated}, the first frame must be a valid {@link Hello} (same
 * protocol version and cluster) within {@code helloTimeoutMillis}, or the connection is closed. A
 * later frame that does not decode is counted and dropped, and the connection kept (the length
 * framing is intact). A frame over the limit, broken framing, or any other exception closes the
 * connection after counting it; nothing propagates past this handler. Every frame buffer is
 * released here.
 *
 * <p>One instance per connection; runs on the connection's event loop.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
  private final WireCodec codec;
  private final InboundSink sink;
  private final TransportCounters counters;
  private final RateLimitedLog log;
  private final String clusterName;
  private final StreamEvents events;
  private final long helloTimeoutMillis;

  private NodeId peer;
  private InetSocketAddress peerListenAddress;
  private ScheduledFuture<?> helloDeadline;

  FrameHandler(
      WireCodec codec,
      InboundSink sink,
      TransportCounters counters,
      RateLimitedLog log,
      String clusterName,
      StreamEvents events,
      long helloTimeoutMillis) {
    this.codec = codec;
    this.sink = sink;
    this.counters = counters;
    this.log = log;
    this.clusterName = clusterName;
    this.events = events;
    this.helloTimeoutMillis = helloTimeoutMillis;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof PeerAuthenticated authenticated) {
      peer = authenticated.peer();
      helloDeadline =
          ctx.executor()
              .schedule(
                  () -> {
                    if (peerListenAddress == null && ctx.channel().isActive()) {
                      counters.helloRejection();
                      log.reject(
                          () -> "no hello from " + ctx.channel().remoteAddress() + " in time");
                      ctx.close();
                    }
                  },
                  helloTimeoutMillis,
                  TimeUnit.MILLISECONDS);
      events.onAuthenticated(ctx.channel(), peer);
    } else if (event instanceof IdleStateEvent) {
      counters.idleConnectionClosed();
      ctx.close();
    } else {
      ReferenceCountUtil.release(event);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf frame)) {
      ReferenceCountUtil.release(msg);
      counters.streamProtocolError();
      ctx.close();
      return;
    }
    byte[] bytes;
    try {
      counters.frameReceived(frame.readableBytes());
      bytes = ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
    if (peer == null) {
      // Cannot happen behind an SslHandler, which passes no data before the handshake ends.
      counters.streamProtocolError();
      ctx.close();
      return;
    }
    WireCodec.Decoded decoded = codec.decode(bytes);
    if (peerListenAddress == null) {
      onFirstFrame(ctx, decoded);
      return;
    }
    if (!decoded.ok()) {
      counters.frameDecodeError();
      log.reject(() -> "frame from " + peer.toShortHex() + " did not decode: " + decoded.error());
      return;
    }
    if (decoded.message() instanceof Hello) {
      counters.frameDecodeError();
      log.reject(() -> "second hello from " + peer.toShortHex() + " ignored");
      return;
    }
    counters.frameAccepted();
    sink.onFrame(peerListenAddress, peer, decoded.message());
  }

  private void onFirstFrame(ChannelHandlerContext ctx, WireCodec.Decoded decoded) {
    if (!decoded.ok() || !(decoded.message() instanceof Hello hello)) {
      counters.helloRejection();
      log.reject(
          () ->
              "first frame from "
                  + ctx.channel().remoteAddress()
                  + " is not a hello: "
                  + (decoded.ok()
                      ? decoded.message().getClass().getSimpleName()
                      : decoded.error()));
      ctx.close();
      return;
    }
    if (hello.protocolVersion() != WireRegistry.PROTOCOL_VERSION
        || !hello.clusterName().equals(clusterName)) {
      counters.helloRejection();
      log.reject(
          () ->
              "hello from "
                  + ctx.channel().remoteAddress()
                  + " refused: protocol "
                  + hello.protocolVersion()
                  + ", cluster '"
                  + hello.clusterName()
                  + "' (expected: protocol "
                  + WireRegistry.PROTOCOL_VERSION
                  + ", cluster '"
                  + clusterName
                  + "')");
      ctx.close();
      return;
    }
    counters.frameAccepted();
    if (helloDeadline != null) {
      helloDeadline.cancel(false);
    }
    peerListenAddress = events.onHello(ctx.channel(), peer, hello);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      counters.frameOversize();
    } else if (peer == null && cause instanceof DecoderException) {
      // Not TLS at all, or a failed handshake: TlsPeerIdentifier counts it when the handshake
      // completion event arrives, so it is not counted twice.
    } else {
      counters.streamProtocolError();
    }
    log.reject(() -> "closing stream with " + ctx.channel().remoteAddress() + ": " + cause);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (helloDeadline != null) {
      helloDeadline.cancel(false);
    }
    events.onClosed(ctx.channel());
    super.channelInactive(ctx);
  }
}
