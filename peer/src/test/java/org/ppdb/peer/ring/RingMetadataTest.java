package org.ppdb.peer.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.peer.replication.DataConfig;

class RingMetadataTest {

  @Test
  void roundTripsEveryField() {
    long[] tokens = KeyHash.tokensFor(new byte[] {1, 2, 3}, 32);
    RingMetadata metadata = new RingMetadata(RingMetadata.State.JOINING, 6379, tokens);
    RingMetadata decoded = RingMetadata.decode(metadata.encode());
    assertThat(decoded).isEqualTo(metadata);
    assertThat(decoded.tokens()).containsExactly(tokens);
    assertThat(decoded.withState(RingMetadata.State.NORMAL).state())
        .isEqualTo(RingMetadata.State.NORMAL);
  }

  @Test
  void theDefaultTokensFitGossipsMetadataBudgetAndTheMaximumDoes() {
    int budget = SwimConfig.ppdbDefaults().metadataBytesMax();
    long[] defaults = new long[DataConfig.TOKENS_PER_MEMBER_DEFAULT];
    assertThat(new RingMetadata(RingMetadata.State.NORMAL, 1, defaults).encode()).hasSize(263);
    long[] most = new long[RingMetadata.TOKENS_MAX];
    assertThat(new RingMetadata(RingMetadata.State.NORMAL, 1, most).encode().length)
        .isLessThanOrEqualTo(budget);
    assertThat(RingMetadata.HEADER_BYTES + 8 * (RingMetadata.TOKENS_MAX + 1)).isGreaterThan(budget);
  }

  @Test
  void emptyMetadataIsNoRingPlace() {
    assertThat(RingMetadata.decode(new byte[0])).isNull();
    assertThat(RingMetadata.decode(null)).isNull();
  }

  @Test
  void malformedMetadataIsRejectedWithTheReason() {
    byte[] good = new RingMetadata(RingMetadata.State.NORMAL, 1, new long[] {5}).encode();
    byte[] wrongMagic = good.clone();
    wrongMagic[0] = 'X';
    assertThatThrownBy(() -> RingMetadata.decode(wrongMagic)).hasMessageContaining("header");
    byte[] wrongVersion = good.clone();
    wrongVersion[1] = 9;
    assertThatThrownBy(() -> RingMetadata.decode(wrongVersion)).hasMessageContaining("version");
    byte[] badState = good.clone();
    badState[2] = 7;
    assertThatThrownBy(() -> RingMetadata.decode(badState)).hasMessageContaining("state");
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
    assertThatThrownBy(() -> RingMetadata.decode(truncated)).hasMessageContaining("tokens");
    assertThatThrownBy(
            () ->
                new RingMetadata(
                    RingMetadata.State.NORMAL, 1, new long[RingMetadata.TOKENS_MAX + 1]))
        .hasMessageContaining("tokens");
  }
}
