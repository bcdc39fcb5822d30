package org.ppdb.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.security.ClusterKeyring;
import org.ppdb.peer.security.ClusterSecurity;
import org.ppdb.peer.security.DatagramSealer;
import org.ppdb.peer.security.DatagramSealer.Outcome;
import org.ppdb.peer.security.ReplayWindow;
import org.ppdb.peer.wire.Hello;
import org.ppdb.peer.wire.WireCodec;
import org.slf4j.LoggerFactory;

class DatagramHandlerTest {
  private static final long NOW = 1_767_225_600_000L;
  private static final NodeId ALICE = NodeId.fromHex("aa".repeat(20));
  private static final NodeId BOB = NodeId.fromHex("bb".repeat(20));
  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress TO = new InetSocketAddress("127.0.0.1", 7946);
  private static final ClusterSecurity SECURED =
      ClusterSecurity.secured(
          ClusterKeyring.of(
              "test", List.of("correct horse battery staple 42".getBytes(StandardCharsets.UTF_8))));

  private final TransportCounters counters = new TransportCounters();
  private final RecordingSink sink = new RecordingSink();
  private final WireCodec codec = new WireCodec(1400 - DatagramSealer.SEALED_OVERHEAD_BYTES, 16);

  @BeforeAll
  static void leakDetection() {
    NettyLeaks.enable();
  }

  private static SecureRandom random(long seed) throws Exception {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    return random;
  }

  private EmbeddedChannel channel(ClusterSecurity security) throws Exception {
    DatagramSealer receiver =
        new DatagramSealer(security, BOB, random(2), new ReplayWindow(60_000, 60_000, 1024));
    return new EmbeddedChannel(
        new DatagramHandler(
            receiver,
            codec,
            sink,
            counters,
            () -> NOW,
            1400,
            new RateLimitedLog(LoggerFactory.getLogger("test"), () -> 0L, 1)));
  }

  /** Writes one datagram inbound and checks the handler released it. */
  private static void deliver(EmbeddedChannel channel, byte[] bytes) {
    ByteBuf content = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    channel.writeInbound(new DatagramPacket(content, TO, FROM));
    assertThat(content.refCnt()).isZero();
    Object passedOn = channel.readInbound();
    assertThat(passedOn).isNull();
  }

  @Test
  void sealedDatagramReachesTheSinkOnceThenReplaysAndFlipsAreCounted() throws Exception {
    EmbeddedChannel channel = channel(SECURED);
    DatagramSealer sender =
        new DatagramSealer(SECURED, ALICE, random(1), new ReplayWindow(60_000, 60_000, 16));
    Hello message = new Hello(1, "test", 1, 2);
    byte[] datagram = sender.seal(codec.encode(message), NOW);
    deliver(channel, datagram);
    RecordingSink.Received received = sink.next(0);
    assertThat(received.sender()).isEqualTo(ALICE);
    assertThat(received.from()).isEqualTo(FROM);
    assertThat(received.message()).isEqualTo(message);
    deliver(channel, datagram);
    byte[] flipped = datagram.clone();
    flipped[30] ^= 1;
    deliver(channel, flipped);
    deliver(channel, new byte[1401]);
    assertThat(sink.received).isEmpty();
    assertThat(counters.datagramsAccepted()).isEqualTo(1);
    assertThat(counters.datagramsRejected(Outcome.REPLAYED)).isEqualTo(1);
    assertThat(counters.datagramsRejected(Outcome.AUTHENTICATION_FAILED)).isEqualTo(1);
    assertThat(counters.datagramsOversize()).isEqualTo(1);
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void authenticDatagramWithUndecodablePayloadIsCountedAsADecodeError() throws Exception {
    EmbeddedChannel channel = channel(SECURED);
    DatagramSealer sender =
        new DatagramSealer(SECURED, ALICE, random(3), new ReplayWindow(60_000, 60_000, 16));
    deliver(channel, sender.seal(new byte[] {(byte) 0xff, 1, 2}, NOW));
    assertThat(counters.datagramDecodeErrors()).isEqualTo(1);
    assertThat(sink.received).isEmpty();
  }

  @Test
  void tenThousandRandomTruncatedAndOversizedDatagramsAreAllRejectedAndReleased() throws Exception {
    long seed = 0x5eed_0004L;
    SplittableRandom random = new SplittableRandom(seed);
    for (ClusterSecurity security : List.of(SECURED, ClusterSecurity.open("test"))) {
      EmbeddedChannel channel = channel(security);
      DatagramSealer sender =
          new DatagramSealer(security, ALICE, random(4), new ReplayWindow(60_000, 60_000, 16));
      byte[] valid = sender.seal(codec.encode("payload"), NOW);
      for (int i = 0; i < 10_000; i++) {
        byte[] input;
        switch (i % 3) {
          case 0 -> {
            input = new byte[random.nextInt(0, 1400)];
            random.nextBytes(input);
          }
          case 1 -> input = java.util.Arrays.copyOf(valid, random.nextInt(0, valid.length));
          default -> input = new byte[random.nextInt(1401, 4000)];
        }
        deliver(channel, input);
      }
      assertThat(sink.received).as("seed %d", seed).isEmpty();
      assertThat(channel.finish()).isFalse();
    }
    assertThat(counters.datagramsRejectedTotal()).as("seed %d", seed).isEqualTo(20_000);
    NettyLeaks.assertNoLeaks();
  }
}
