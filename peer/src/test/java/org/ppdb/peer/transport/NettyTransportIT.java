package org.ppdb.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.identity.NodeIdentity;
import org.ppdb.peer.security.ClusterKeyring;
import org.ppdb.peer.security.ClusterSecurity;
import org.ppdb.peer.security.DatagramSealer.Outcome;
import org.ppdb.peer.security.NodeTls;
import org.ppdb.peer.wire.Hello;
import org.ppdb.peer.wire.WireCodec;
import org.ppdb.peer.wire.WireRegistry;

/**
 * Real UDP and TCP (mutual TLS 1.3) between transports on 127.0.0.1, with the attacks of issue 7:
 * outsiders without the secret, replayed and flipped datagrams, and floods of garbage on both
 * ports. Every test closes what it opened; the last checks no transport thread is left.
 */
class NettyTransportIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String CLUSTER = "it";
  private static final byte[] SECRET =
      "integration secret, long enough".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WRONG_SECRET =
      "a wrong secret that is also long".getBytes(StandardCharsets.UTF_8);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void leakDetection() {
    NettyLeaks.enable();
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    resources.clear();
  }

  private static SecureRandom random(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static ClusterSecurity secured(byte[] secret) {
    return ClusterSecurity.secured(ClusterKeyring.of(CLUSTER, List.of(secret)));
  }

  private static TransportConfig config() {
    return TransportConfig.defaults()
        .withAddress("127.0.0.1", 0, 0)
        .withLimits(64 << 10, 64, 64, 120_000)
        .withReconnectBackoff(200, 2_000);
  }

  private record Node(NodeIdentity identity, NettyTransport transport, RecordingSink sink) {}

  private Node start(long seed, ClusterSecurity security, TransportConfig config)
      throws IOException {
    NodeIdentity identity = NodeIdentity.generate(random(seed));
    RecordingSink sink = new RecordingSink();
    SecureRandom random = random(seed + 1000);
    NettyTransport transport =
        NettyTransport.start(
            config,
            identity,
            security,
            sink,
            System::currentTimeMillis,
            System::nanoTime,
            random,
            new SplittableRandom(seed));
    resources.add(transport);
    return new Node(identity, transport, sink);
  }

  private static InetSocketAddress udp(Node node) {
    return node.transport().udpAddress();
  }

  private static InetSocketAddress tcp(Node node) {
    return node.transport().tcpAddress();
  }

  @Test
  void datagramsAndFramesRoundTripAndTheInboundConnectionIsReused() throws Exception {
    Node a = start(1, secured(SECRET), config());
    Node b = start(2, secured(SECRET), config());

    assertThat(a.transport().sendDatagram(udp(b), "probe")).isEqualTo(SendResult.SENT);
    RecordingSink.Received datagram = b.sink().next(WAIT.toMillis());
    assertThat(datagram.datagram()).isTrue();
    assertThat(datagram.message()).isEqualTo("probe");
    assertThat(datagram.sender()).isEqualTo(a.identity().nodeId());
    assertThat(datagram.from()).isEqualTo(udp(a));

    for (int i = 0; i < 100; i++) {
      assertThat(a.transport().sendFrame(tcp(b), "frame " + i)).isEqualTo(SendResult.SENT);
    }
    InetSocketAddress aListens = null;
    for (int i = 0; i < 100; i++) {
      RecordingSink.Received frame = b.sink().next(WAIT.toMillis());
      assertThat(frame).as("frame %d", i).isNotNull();
      assertThat(frame.datagram()).isFalse();
      assertThat(frame.message()).isEqualTo("frame " + i);
      assertThat(frame.sender()).isEqualTo(a.identity().nodeId());
      aListens = frame.from();
    }
    assertThat(aListens).isEqualTo(tcp(a));

    // B answers through the connection A opened: no new connection.
    assertThat(b.transport().sendFrame(aListens, List.of("reply"))).isEqualTo(SendResult.SENT);
    RecordingSink.Received reply = a.sink().next(WAIT.toMillis());
    assertThat(reply.message()).isEqualTo(List.of("reply"));
    assertThat(reply.sender()).isEqualTo(b.identity().nodeId());
    assertThat(b.transport().counters().connectionsOpened()).isZero();
    assertThat(a.transport().counters().connectionsOpened()).isEqualTo(1);
    NettyLeaks.assertNoLeaks();
  }

  @Test
  void openClusterTalksWithChecksumsAndRefusesAnotherClusterByName() throws Exception {
    Node a = start(18, ClusterSecurity.open(CLUSTER), config());
    Node b = start(19, ClusterSecurity.open(CLUSTER), config());
    Node stranger = start(20, ClusterSecurity.open("another-cluster"), config());
    a.transport().sendDatagram(udp(b), "open datagram");
    a.transport().sendFrame(tcp(b), "open frame");
    List<Object> messages = new ArrayList<>();
    messages.add(b.sink().next(WAIT.toMillis()).message());
    messages.add(b.sink().next(WAIT.toMillis()).message());
    assertThat(messages).containsExactlyInAnyOrder("open datagram", "open frame");

    TransportCounters counters = b.transport().counters();
    stranger.transport().sendDatagram(udp(b), "wrong cluster");
    stranger.transport().sendFrame(tcp(b), "wrong cluster");
    await().atMost(WAIT).until(() -> counters.datagramsRejected(Outcome.WRONG_CLUSTER) == 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(counters.helloRejected())
                    .as(
                        "protocol errors %d, tls failures %d, accepted %d",
                        counters.streamProtocolErrors(),
                        counters.tlsHandshakeFailures(),
                        counters.connectionsAccepted())
                    .isPositive());
    assertThat(b.sink().received).isEmpty();
    NettyLeaks.assertNoLeaks();
  }

  @Test
  void peersWithAWrongSecretOrNoneAreRefusedOnBothPorts() throws Exception {
    Node member = start(3, secured(SECRET), config());
    Node wrong = start(4, secured(WRONG_SECRET), config());
    Node open = start(5, ClusterSecurity.open(CLUSTER), config());
    TransportCounters counters = member.transport().counters();

    wrong.transport().sendDatagram(udp(member), "forged gossip");
    open.transport().sendDatagram(udp(member), "forged gossip");
    await().atMost(WAIT).until(() -> counters.datagramsReceived() == 2);
    assertThat(counters.datagramsRejected(Outcome.UNKNOWN_KEY)).isEqualTo(1);
    assertThat(counters.datagramsRejected(Outcome.NOT_SEALED)).isEqualTo(1);

    assertThat(wrong.transport().sendFrame(tcp(member), "forged frame")).isEqualTo(SendResult.SENT);
    assertThat(open.transport().sendFrame(tcp(member), "forged frame")).isEqualTo(SendResult.SENT);
    await().atMost(WAIT).until(() -> counters.tlsHandshakeFailures() == 2);
    // The outsiders failed too (they do not trust the member either) and now back off.
    await()
        .atMost(WAIT)
        .until(
            () ->
                wrong.transport().sendFrame(tcp(member), "again")
                    == SendResult.DROPPED_BACKING_OFF);
    assertThat(member.sink().received).isEmpty();
    assertThat(counters.framesReceived()).isZero();
    NettyLeaks.assertNoLeaks();
  }

  @Test
  void capturedDatagramReplayedOrWithOneBitFlippedIsRejected() throws Exception {
    Node a = start(6, secured(SECRET), config());
    Node b = start(7, secured(SECRET), config());
    try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      attacker.setSoTimeout((int) WAIT.toMillis());
      a.transport().sendDatagram((InetSocketAddress) attacker.getLocalSocketAddress(), "captured");
      DatagramPacket captured = new DatagramPacket(new byte[2048], 2048);
      attacker.receive(captured);
      byte[] bytes = Arrays.copyOf(captured.getData(), captured.getLength());

      attacker.send(new DatagramPacket(bytes, bytes.length, udp(b)));
      assertThat(b.sink().next(WAIT.toMillis()).message()).isEqualTo("captured");
      attacker.send(new DatagramPacket(bytes, bytes.length, udp(b)));
      byte[] flipped = bytes.clone();
      flipped[bytes.length / 2] ^= 0x10;
      attacker.send(new DatagramPacket(flipped, flipped.length, udp(b)));
      TransportCounters counters = b.transport().counters();
      await().atMost(WAIT).until(() -> counters.datagramsReceived() == 3);
      assertThat(counters.datagramsRejected(Outcome.REPLAYED)).isEqualTo(1);
      assertThat(counters.datagramsRejected(Outcome.AUTHENTICATION_FAILED)).isEqualTo(1);
      assertThat(b.sink().received).isEmpty();
    }
  }

  @Test
  void tenThousandBadDatagramsAndFramesToEachPortAreCountedAndHarmless() throws Exception {
    long seed = 0x5eed_0006L;
    SplittableRandom random = new SplittableRandom(seed);
    Node a = start(8, secured(SECRET), config());
    Node b = start(9, secured(SECRET), config());
    TransportCounters counters = b.transport().counters();

    // UDP: random, truncated and oversized datagrams, paced so the kernel drops none.
    try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      attacker.setSoTimeout((int) WAIT.toMillis());
      a.transport().sendDatagram((InetSocketAddress) attacker.getLocalSocketAddress(), "valid");
      DatagramPacket captured = new DatagramPacket(new byte[2048], 2048);
      attacker.receive(captured);
      byte[] valid = Arrays.copyOf(captured.getData(), captured.getLength());
      for (int i = 0; i < 10_000; i++) {
        byte[] datagram =
            switch (i % 3) {
              case 0 -> randomBytes(random, random.nextInt(0, 1400));
              case 1 -> Arrays.copyOf(valid, random.nextInt(0, valid.length));
              default -> randomBytes(random, random.nextInt(1401, 8000));
            };
        attacker.send(new DatagramPacket(datagram, datagram.length, udp(b)));
        // Small batches: a burst of large datagrams overflows the kernel's receive buffer.
        if (i % 25 == 24) {
          long sent = i + 1;
          await()
              .atMost(WAIT)
              .pollDelay(Duration.ZERO)
              .pollInterval(Duration.ofMillis(1))
              .untilAsserted(() -> assertThat(counters.datagramsReceived()).isEqualTo(sent));
        }
      }
    }
    assertThat(counters.datagramsRejectedTotal() + counters.datagramDecodeErrors())
        .as("seed %d", seed)
        .isEqualTo(10_000);
    assertThat(counters.datagramsOversize()).as("seed %d", seed).isGreaterThan(3_000);

    // TCP before TLS: connections that send garbage instead of a ClientHello.
    int garbageConnections = 200;
    for (int i = 0; i < garbageConnections; i++) {
      try (Socket socket = new Socket()) {
        socket.connect(tcp(b), (int) WAIT.toMillis());
        OutputStream out = socket.getOutputStream();
        byte[] garbage = randomBytes(random, random.nextInt(1, 2000));
        if (garbage[0] == 0x16) {
          garbage[0] = 0x17; // never a TLS handshake record, which would wait for its timeout
        }
        out.write(garbage);
        out.flush();
      }
    }
    // Each is refused by TLS, or, when the node lags behind and more than the inbound limit are
    // open at once, closed at accept: either way counted.
    await()
        .atMost(WAIT)
        .until(
            () ->
                counters.tlsHandshakeFailures() + counters.connectionsRejectedOverLimit()
                    == garbageConnections);

    // TCP after TLS: a holder of the secret sending 10,000 undecodable frames, then a truncated
    // one; then, on a new connection, one whose length prefix is over the limit.
    NodeIdentity insider = NodeIdentity.generate(random(10));
    NodeTls insiderTls = NodeTls.create(insider, secured(SECRET), Instant.now(), random(11));
    WireCodec codec = new WireCodec(1 << 16, WireCodec.DEFAULT_MAX_DEPTH);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    resources.add(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
    Channel raw = rawTlsConnection(group, insiderTls, tcp(b));
    write(raw, frame(codec.encode(new Hello(WireRegistry.PROTOCOL_VERSION, CLUSTER, 1, 1))));
    for (int i = 0; i < 10_000; i++) {
      byte[] payload = randomBytes(random, random.nextInt(1, 500));
      payload[0] = (byte) random.nextInt(100, 127); // unassigned registration ids
      raw.write(frame(payload));
      if (i % 500 == 0) {
        raw.flush();
      }
    }
    write(raw, Unpooled.buffer().writeInt(1000).writeBytes(new byte[10]));
    await().atMost(WAIT).until(() -> counters.frameDecodeErrors() == 10_000);
    raw.close().syncUninterruptibly();
    Channel oversized = rawTlsConnection(group, insiderTls, tcp(b));
    write(oversized, frame(codec.encode(new Hello(WireRegistry.PROTOCOL_VERSION, CLUSTER, 1, 1))));
    write(oversized, Unpooled.buffer().writeInt((64 << 10) + 1).writeBytes(new byte[100]));
    await().atMost(WAIT).until(() -> counters.framesOversize() == 1);
    oversized.closeFuture().await(WAIT.toMillis());
    assertThat(oversized.isActive()).isFalse();

    // Nothing reached the sink, and the node still talks to its peer.
    assertThat(b.sink().received).as("seed %d", seed).isEmpty();
    a.transport().sendFrame(tcp(b), "still here");
    a.transport().sendDatagram(udp(b), "still here too");
    List<Object> messages = new ArrayList<>();
    messages.add(b.sink().next(WAIT.toMillis()).message());
    messages.add(b.sink().next(WAIT.toMillis()).message());
    assertThat(messages).containsExactlyInAnyOrder("still here", "still here too");
    NettyLeaks.assertNoLeaks();
  }

  @Test
  void inboundConnectionsBeyondTheCapAreClosed() throws Exception {
    Node b = start(12, secured(SECRET), config().withLimits(64 << 10, 2, 64, 120_000));
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        Socket socket = new Socket();
        socket.connect(tcp(b), (int) WAIT.toMillis());
        sockets.add(socket);
      }
      TransportCounters counters = b.transport().counters();
      await().atMost(WAIT).until(() -> counters.connectionsRejectedOverLimit() == 3);
      assertThat(counters.inboundConnectionsOpen()).isEqualTo(2);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void idleConnectionsCloseAndTheNextSendReconnects() throws Exception {
    TransportConfig shortIdle =
        new TransportConfig(
            "127.0.0.1",
            0,
            0,
            1400,
            64 << 10,
            16,
            64,
            64,
            1024,
            4 << 20,
            2 << 20,
            3_000,
            500,
            1_000,
            200,
            2_000,
            60_000,
            60_000,
            65_536,
            1);
    Node a = start(13, secured(SECRET), shortIdle);
    Node b = start(14, secured(SECRET), shortIdle);
    a.transport().sendFrame(tcp(b), "one");
    assertThat(b.sink().next(WAIT.toMillis()).message()).isEqualTo("one");
    await()
        .atMost(WAIT)
        .until(
            () ->
                a.transport().counters().outboundConnectionsOpen() == 0
                    && b.transport().counters().inboundConnectionsOpen() == 0);
    assertThat(
            a.transport().counters().idleConnectionsClosed()
                + b.transport().counters().idleConnectionsClosed())
        .isPositive();
    a.transport().sendFrame(tcp(b), "two");
    assertThat(b.sink().next(WAIT.toMillis()).message()).isEqualTo("two");
    assertThat(a.transport().counters().connectionsOpened()).isEqualTo(2);
  }

  @Test
  void unreachableAddressBacksOffExponentially() throws Exception {
    // A first backoff of 3..4.5 s, longer than any pause of this thread on a loaded machine
    // between the failure and the checks below (at 200 ms, a pause let the backoff end first).
    Node a = start(15, secured(SECRET), config().withReconnectBackoff(3_000, 30_000));
    // A port held by a bound socket that never listens: connecting to it is refused, and neither
    // another listener nor the kernel's choice of an outgoing port (a TCP self-connect, which
    // succeeds) can take it while the test runs, as they could a port merely freed.
    try (java.net.Socket holder = new java.net.Socket()) {
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      backsOffFrom(a, (InetSocketAddress) holder.getLocalSocketAddress());
    }
  }

  private static void backsOffFrom(Node a, InetSocketAddress nobody) {
    TransportCounters counters = a.transport().counters();
    assertThat(a.transport().sendFrame(nobody, "lost")).isEqualTo(SendResult.SENT);
    await().atMost(WAIT).until(() -> counters.connectFailures() == 1);
    await().atMost(WAIT).until(() -> counters.outboundConnectionsOpen() == 0);
    assertThat(a.transport().sendFrame(nobody, "lost")).isEqualTo(SendResult.DROPPED_BACKING_OFF);
    // After the first backoff one more attempt is made, which fails again.
    await().atMost(WAIT).until(() -> a.transport().sendFrame(nobody, "retry") == SendResult.SENT);
    await().atMost(WAIT).until(() -> counters.connectFailures() == 2);
    // Each failed attempt dropped the one frame that waited for it.
    await().atMost(WAIT).until(() -> counters.sendsDropped(SendResult.DROPPED_CLOSED) == 2);
  }

  @Test
  void closeLeavesNoTransportThreadRunning() throws Exception {
    Node a = start(16, secured(SECRET), config());
    Node b = start(17, secured(SECRET), config());
    a.transport().sendFrame(tcp(b), "x");
    assertThat(b.sink().next(WAIT.toMillis())).isNotNull();
    a.transport().close();
    b.transport().close();
    assertThat(a.transport().sendFrame(tcp(b), "late")).isEqualTo(SendResult.DROPPED_CLOSED);
    await()
        .atMost(WAIT)
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("ppdb-transport")));
  }

  private static byte[] randomBytes(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static ByteBuf frame(byte[] payload) {
    return Unpooled.buffer(4 + payload.length).writeInt(payload.length).writeBytes(payload);
  }

  private static void write(Channel channel, ByteBuf buffer) {
    channel.writeAndFlush(buffer).syncUninterruptibly();
  }

  /** A TLS connection that does nothing but what the test writes into it. */
  private static Channel rawTlsConnection(EventLoopGroup group, NodeTls tls, InetSocketAddress to) {
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            tls.clientContext()
                                .newHandler(ch.alloc(), to.getHostString(), to.getPort()));
                  }
                })
            .connect(to)
            .syncUninterruptibly()
            .channel();
    channel.pipeline().get(SslHandler.class).handshakeFuture().syncUninterruptibly();
    return channel;
  }
}
