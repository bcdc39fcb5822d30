package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeIdTest {

  private static BigInteger big(NodeId id) {
    return new BigInteger(1, id.toBytes());
  }

  @Test
  void bytesAndHexRoundTrip() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      NodeId id = NodeId.random(r);
      assertThat(NodeId.fromBytes(id.toBytes())).isEqualTo(id);
      assertThat(NodeId.parse(id.toString())).isEqualTo(id);
      assertThat(id.toString()).hasSize(40);
    }
  }

  @Test
  void xorDistanceOrderMatchesBigIntegerArithmetic() {
    long seed = 99;
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 5000; i++) {
      NodeId t = NodeId.random(r);
      NodeId a = NodeId.random(r);
      // Close ids as well as random ones, so that every word of the comparison is exercised.
      NodeId b = i % 3 == 0 ? a.randomWithPrefix(r.nextInt(160), r) : NodeId.random(r);
      int expected = big(a).xor(big(t)).compareTo(big(b).xor(big(t)));
      assertThat(Integer.signum(NodeId.compareDistance(t, a, b)))
          .as("seed %d i %d", seed, i)
          .isEqualTo(Integer.signum(expected));
      assertThat(big(a.xor(b))).isEqualTo(big(a).xor(big(b)));
      int cpl = a.commonPrefixLength(b);
      assertThat(cpl).isEqualTo(a.equals(b) ? 160 : 160 - big(a).xor(big(b)).bitLength());
    }
  }

  @Test
  void randomWithPrefixFallsInTheBucket() {
    SplittableRandom r = new SplittableRandom(3);
    NodeId self = NodeId.random(r);
    for (int cpl = 0; cpl < 160; cpl++) {
      assertThat(self.commonPrefixLength(self.randomWithPrefix(cpl, r))).isEqualTo(cpl);
    }
    assertThatThrownBy(() -> self.randomWithPrefix(160, r))
        .hasMessage("prefixLength: 160 (expected: >= 0 and < 160)");
  }

  @Test
  void sha1MatchesTheStandardVectorAndClusterKeyUsesThePrefix() throws Exception {
    assertThat(NodeId.sha1("abc").toString()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
    byte[] expected =
        MessageDigest.getInstance("SHA-1")
            .digest("ppdb-cluster/prod".getBytes(StandardCharsets.UTF_8));
    assertThat(Kademlia.clusterKey("prod")).isEqualTo(NodeId.fromBytes(expected));
    assertThatThrownBy(() -> Kademlia.clusterKey(""))
        .hasMessage("clusterName: empty (expected: a cluster name)");
  }

  @Test
  void malformedInputIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> NodeId.fromBytes(new byte[19]))
        .hasMessage("bytes.length: 19 (expected: 20)");
    assertThatThrownBy(() -> NodeId.parse("zz")).hasMessage("hex.length: 2 (expected: 40)");
    assertThatThrownBy(() -> NodeId.parse("g".repeat(40)))
        .hasMessageContaining("expected: 40 hex digits");
  }
}
