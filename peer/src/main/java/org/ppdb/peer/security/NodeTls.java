package org.ppdb.peer.security;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.identity.NodeIdentity;

/**
 * The TLS 1.3 contexts for connections between nodes: mutual authentication with {@link
 * NodeCertificates} (Ed25519, JDK provider; the JDK supports Ed25519 in TLS 1.3 certificates and
 * CertificateVerify since JDK 15) and the {@link NodeTrustManager} check on both sides.
 *
 * <p>Why a secret-derived CA rather than a proof frame after the handshake: a peer that lacks the
 * secret fails inside the TLS handshake itself, so the transport never reads a single application
 * byte from it; and JDK 17 offers no TLS exporter (RFC 8446, section 7.5) to bind a post-handshake
 * proof to the session. Each node signs its own certificate with the CA key it derives from the
 * secret; the CA certificate is never sent, since every member derives the CA public key itself.
 *
 * <p>Build once at start ({@link #create}); the contexts are thread-safe and shared by all
 * connections.
 */
public final class NodeTls {
  /** The only protocol offered and accepted. */
  public static final String PROTOCOL = "TLSv1.3";

  private final X509Certificate certificate;
  private final SslContext serverContext;
  private final SslContext clientContext;
  private final ClusterSecurity security;

  private NodeTls(
      X509Certificate certificate,
      SslContext serverContext,
      SslContext clientContext,
      ClusterSecurity security) {
    this.certificate = certificate;
    this.serverContext = serverContext;
    this.clientContext = clientContext;
    this.security = security;
  }

  /**
   * Issues this node's certificate and builds both contexts.
   *
   * @throws SSLException if the JDK TLS stack rejects the configuration
   */
  public static NodeTls create(
      NodeIdentity identity, ClusterSecurity security, Instant now, SecureRandom random)
      throws SSLException {
    X509Certificate certificate = NodeCertificates.issue(identity, security, now, random);
    PrivateKey key = identity.toJdkPrivateKey();
    NodeTrustManager trust = new NodeTrustManager(security);
    SslContext server =
        SslContextBuilder.forServer(key, certificate)
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOL)
            .clientAuth(ClientAuth.REQUIRE)
            .trustManager(trust)
            .secureRandom(random)
            .build();
    SslContext client =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOL)
            .keyManager(key, certificate)
            .trustManager(trust)
            .endpointIdentificationAlgorithm(null)
            .secureRandom(random)
            .build();
    return new NodeTls(certificate, server, client, security);
  }

  /** This node's certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** For accepted connections; requires a client certificate. */
  public SslContext serverContext() {
    return serverContext;
  }

  /** For connections this node opens. */
  public SslContext clientContext() {
    return clientContext;
  }

  /**
   * The node id of the peer of a completed handshake. The trust manager already verified the
   * certificate; this re-checks it so a caller never trusts an id that was not verified.
   *
   * @throws SSLPeerUnverifiedException if the session has no verified node certificate
   */
  public NodeId peerNodeId(SSLSession session) throws SSLPeerUnverifiedException {
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new SSLPeerUnverifiedException("peer presented no X.509 certificate");
    }
    try {
      return NodeCertificates.verify(leaf, security);
    } catch (CertificateException e) {
      SSLPeerUnverifiedException failure = new SSLPeerUnverifiedException(e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }
}
