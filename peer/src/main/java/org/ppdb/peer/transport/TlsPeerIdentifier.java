package org.ppdb.peer.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.security.NodeTls;

/**
 * Turns the end of the TLS handshake into a {@link PeerAuthenticated} event carrying the peer's
 * verified node id, or, if the handshake failed (not TLS, no or wrong cluster secret, a certificate
 * that does not match its node id, a timeout), counts it and closes the connection. Removes itself
 * afterwards.
 */
final class TlsPeerIdentifier extends ChannelInboundHandlerAdapter {
  private final NodeTls tls;
  private final TransportCounters counters;
  private final RateLimitedLog log;

  TlsPeerIdentifier(NodeTls tls, TransportCounters counters, RateLimitedLog log) {
    this.tls = tls;
    this.counters = counters;
    this.log = log;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (!(event instanceof SslHandshakeCompletionEvent completion)) {
      super.userEventTriggered(ctx, event);
      return;
    }
    ctx.pipeline().remove(this);
    if (!completion.isSuccess()) {
      counters.tlsHandshakeFailure();
      log.reject(
          () ->
              "TLS handshake with "
                  + ctx.channel().remoteAddress()
                  + " failed: "
                  + completion.cause());
      ctx.close();
      return;
    }
    NodeId peer;
    try {
      peer = tls.peerNodeId(ctx.pipeline().get(SslHandler.class).engine().getSession());
    } catch (SSLPeerUnverifiedException e) {
      counters.tlsHandshakeFailure();
      log.reject(
          () -> "peer " + ctx.channel().remoteAddress() + " not verified: " + e.getMessage());
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(new PeerAuthenticated(peer));
  }
}
