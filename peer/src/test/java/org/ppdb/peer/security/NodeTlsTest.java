package org.ppdb.peer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.identity.NodeIdentity;

/**
 * Mutual TLS 1.3 with Ed25519 node certificates on the JDK provider, driven through two in-memory
 * {@link SSLEngine}s (no sockets): proves the JDK stack accepts the certificates, and that the
 * trust check refuses peers without the secret.
 */
class NodeTlsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static SecureRandom random(long seed) {
    // SHA1PRNG seeded before first use is deterministic, which makes the keys reproducible.
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static ClusterSecurity secured(String secret) {
    return ClusterSecurity.secured(
        ClusterKeyring.of("test", List.of(secret.getBytes(StandardCharsets.UTF_8))));
  }

  private static final String SECRET = "correct horse battery staple 42";

  @Test
  void securedPeersCompleteTls13AndLearnEachOthersNodeId() throws Exception {
    NodeIdentity a = NodeIdentity.generate(random(1));
    NodeIdentity b = NodeIdentity.generate(random(2));
    NodeTls tlsA = NodeTls.create(a, secured(SECRET), NOW, random(3));
    NodeTls tlsB = NodeTls.create(b, secured(SECRET), NOW, random(4));
    SSLEngine client = tlsA.clientContext().newEngine(ByteBufAllocator.DEFAULT);
    SSLEngine server = tlsB.serverContext().newEngine(ByteBufAllocator.DEFAULT);
    handshake(client, server);
    assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(tlsA.peerNodeId(client.getSession())).isEqualTo(b.nodeId());
    assertThat(tlsB.peerNodeId(server.getSession())).isEqualTo(a.nodeId());
  }

  @Test
  void openPeersUseSelfSignedCertificatesBoundToTheirIds() throws Exception {
    NodeIdentity a = NodeIdentity.generate(random(5));
    NodeIdentity b = NodeIdentity.generate(random(6));
    ClusterSecurity open = ClusterSecurity.open("test");
    NodeTls tlsA = NodeTls.create(a, open, NOW, random(7));
    NodeTls tlsB = NodeTls.create(b, open, NOW, random(8));
    SSLEngine client = tlsA.clientContext().newEngine(ByteBufAllocator.DEFAULT);
    SSLEngine server = tlsB.serverContext().newEngine(ByteBufAllocator.DEFAULT);
    handshake(client, server);
    assertThat(tlsB.peerNodeId(server.getSession())).isEqualTo(a.nodeId());
  }

  @Test
  void clientWithWrongSecretIsRefused() throws Exception {
    NodeTls intruder =
        NodeTls.create(
            NodeIdentity.generate(random(9)), secured("not the secret at all!!"), NOW, random(10));
    NodeTls member =
        NodeTls.create(NodeIdentity.generate(random(11)), secured(SECRET), NOW, random(12));
    assertThatThrownBy(
            () ->
                handshake(
                    intruder.clientContext().newEngine(ByteBufAllocator.DEFAULT),
                    member.serverContext().newEngine(ByteBufAllocator.DEFAULT)))
        .isInstanceOf(SSLException.class);
  }

  @Test
  void clientWithoutSecretIsRefused() throws Exception {
    NodeTls intruder =
        NodeTls.create(
            NodeIdentity.generate(random(13)), ClusterSecurity.open("test"), NOW, random(14));
    NodeTls member =
        NodeTls.create(NodeIdentity.generate(random(15)), secured(SECRET), NOW, random(16));
    assertThatThrownBy(
            () ->
                handshake(
                    intruder.clientContext().newEngine(ByteBufAllocator.DEFAULT),
                    member.serverContext().newEngine(ByteBufAllocator.DEFAULT)))
        .isInstanceOf(SSLException.class);
    // And the other way round: a member does not trust a server without the secret.
    assertThatThrownBy(
            () ->
                handshake(
                    member.clientContext().newEngine(ByteBufAllocator.DEFAULT),
                    intruder.serverContext().newEngine(ByteBufAllocator.DEFAULT)))
        .isInstanceOf(SSLException.class);
  }

  @Test
  void keyRotationPhasesInteroperateButSkippingAPhaseDoesNot() throws Exception {
    byte[] oldSecret = "the old cluster secret 0001".getBytes(StandardCharsets.UTF_8);
    byte[] newSecret = "the new cluster secret 0002".getBytes(StandardCharsets.UTF_8);
    ClusterSecurity before = ClusterSecurity.secured(ClusterKeyring.of("test", List.of(oldSecret)));
    ClusterSecurity phase1 =
        ClusterSecurity.secured(ClusterKeyring.of("test", List.of(oldSecret, newSecret)));
    ClusterSecurity phase2 =
        ClusterSecurity.secured(ClusterKeyring.of("test", List.of(newSecret, oldSecret)));
    NodeTls beforeNode = NodeTls.create(NodeIdentity.generate(random(17)), before, NOW, random(18));
    NodeTls phase1Node = NodeTls.create(NodeIdentity.generate(random(19)), phase1, NOW, random(20));
    NodeTls phase2Node = NodeTls.create(NodeIdentity.generate(random(21)), phase2, NOW, random(22));
    // Neighbouring phases accept each other in both directions (mutual TLS checks both ways).
    for (NodeTls[] pair :
        new NodeTls[][] {
          {beforeNode, phase1Node}, {phase1Node, beforeNode},
          {phase1Node, phase2Node}, {phase2Node, phase1Node}
        }) {
      handshake(
          pair[0].clientContext().newEngine(ByteBufAllocator.DEFAULT),
          pair[1].serverContext().newEngine(ByteBufAllocator.DEFAULT));
    }
    // A node still on the old key alone does not accept a certificate signed by the new key.
    assertThatThrownBy(
            () ->
                handshake(
                    phase2Node.clientContext().newEngine(ByteBufAllocator.DEFAULT),
                    beforeNode.serverContext().newEngine(ByteBufAllocator.DEFAULT)))
        .isInstanceOf(SSLException.class);
  }

  @Test
  void certificateWhoseKeyDoesNotHashToItsIdIsRejected() throws Exception {
    NodeIdentity honest = NodeIdentity.generate(random(31));
    NodeIdentity liar = NodeIdentity.generate(random(32));
    ClusterSecurity open = ClusterSecurity.open("test");
    // A certificate naming honest's id but holding liar's key, self-signed by liar.
    java.security.cert.X509Certificate forged =
        ForgedCertificates.withSubjectId(liar, honest.nodeId(), random(23));
    assertThatThrownBy(() -> NodeCertificates.verify(forged, open))
        .hasMessageContaining("claims node id " + honest.nodeId().toHex());
    NodeId real =
        NodeCertificates.verify(NodeCertificates.issue(liar, open, NOW, random(24)), open);
    assertThat(real).isEqualTo(liar.nodeId());
  }

  /** Pumps two engines against each other until both finish the handshake or one fails. */
  static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    client.setUseClientMode(true);
    server.setUseClientMode(false);
    int size = Math.max(client.getSession().getPacketBufferSize(), 1 << 17);
    ByteBuffer clientToServer = ByteBuffer.allocate(size);
    ByteBuffer serverToClient = ByteBuffer.allocate(size);
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer sink = ByteBuffer.allocate(size);
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 200; round++) {
      step(client, empty, clientToServer, serverToClient, sink);
      step(server, empty, serverToClient, clientToServer, sink);
      if (done(client) && done(server)) {
        // TLS 1.3 clients finish before the server has read the client's Finished; send it.
        step(server, empty, serverToClient, clientToServer, sink);
        step(client, empty, clientToServer, serverToClient, sink);
        if (client.getSession().getPeerCertificates().length > 0
            && server.getSession().getPeerCertificates().length > 0) {
          return;
        }
      }
    }
    throw new AssertionError("handshake did not finish in 200 rounds");
  }

  private static boolean done(SSLEngine engine) {
    SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
    return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        || status == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  private static void step(
      SSLEngine engine, ByteBuffer app, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
      throws SSLException {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
    engine.wrap(app, out);
    in.flip();
    while (in.hasRemaining()) {
      SSLEngineResult result = engine.unwrap(in, sink);
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
      sink.clear();
      if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
        break;
      }
    }
    in.compact();
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
      engine.wrap(app, out);
    }
  }
}
