package org.ppdb.peer.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.function.LongSupplier;
import org.ppdb.peer.security.DatagramSealer;
import org.ppdb.peer.wire.WireCodec;

/**
 * The UDP port's only handler: size check, then {@link DatagramSealer#open} (checksum or
 * authentication and replay window), then {@link WireCodec#decode}, then the sink. Every rejection
 * is counted; nothing propagates down the pipeline. The packet is copied out and released at once
 * (by {@link SimpleChannelInboundHandler}), so no buffer outlives this call.
 *
 * <p>Stateless apart from its collaborators (all thread-safe): {@link Sharable}.
 */
@ChannelHandler.Sharable
final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final DatagramSealer sealer;
  private final WireCodec codec;
  private final InboundSink sink;
  private final TransportCounters counters;
  private final LongSupplier wallClockMillis;
  private final int datagramBytesMax;
  private final RateLimitedLog log;

  DatagramHandler(
      DatagramSealer sealer,
      WireCodec codec,
      InboundSink sink,
      TransportCounters counters,
      LongSupplier wallClockMillis,
      int datagramBytesMax,
      RateLimitedLog log) {
    super(DatagramPacket.class, true);
    this.sealer = sealer;
    this.codec = codec;
    this.sink = sink;
    this.counters = counters;
    this.wallClockMillis = wallClockMillis;
    this.datagramBytesMax = datagramBytesMax;
    this.log = log;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    int size = content.readableBytes();
    counters.datagramReceived(size);
    if (size > datagramBytesMax) {
      counters.datagramOversize();
      log.reject(
          () -> "datagram of " + size + " bytes from " + packet.sender() + " over the limit");
      return;
    }
    byte[] bytes = ByteBufUtil.getBytes(content);
    DatagramSealer.Opened opened = sealer.open(bytes, wallClockMillis.getAsLong());
    if (!opened.accepted()) {
      counters.datagramRejected(opened.outcome());
      log.reject(() -> "datagram from " + packet.sender() + " rejected: " + opened.outcome());
      return;
    }
    WireCodec.Decoded decoded = codec.decode(opened.payload());
    if (!decoded.ok()) {
      counters.datagramDecodeError();
      log.reject(() -> "datagram from " + packet.sender() + " did not decode: " + decoded.error());
      return;
    }
    counters.datagramAccepted();
    sink.onDatagram(packet.sender(), opened.sender(), decoded.message());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // ICMP port unreachable and the like surface here on some platforms; the channel stays open.
    counters.datagramSendFailure();
    log.reject(() -> "datagram channel error: " + cause);
  }
}
