package org.ppdb.peer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.peer.security.TestSecrets.OTHER_SECRET;
import static org.ppdb.peer.security.TestSecrets.SECRET;
import static org.ppdb.peer.security.TestSecrets.random;
import static org.ppdb.peer.security.TestSecrets.secured;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.security.DatagramSealer.Outcome;

class DatagramSealerTest {
  private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final NodeId ALICE = NodeId.fromHex("aa".repeat(20));
  private static final byte[] PAYLOAD = "hello, cluster".getBytes(StandardCharsets.UTF_8);

  private static DatagramSealer sealer(ClusterSecurity security, long seed) {
    return new DatagramSealer(
        security, ALICE, random(seed), new ReplayWindow(60_000, 60_000, 1024));
  }

  @Test
  void sealedDatagramOpensOnceWithItsSenderTimestampAndPayload() {
    DatagramSealer sender = sealer(secured(SECRET), 1);
    DatagramSealer receiver = sealer(secured(SECRET), 2);
    byte[] datagram = sender.seal(PAYLOAD, NOW);
    assertThat(datagram).hasSize(PAYLOAD.length + DatagramSealer.SEALED_OVERHEAD_BYTES);
    DatagramSealer.Opened opened = receiver.open(datagram, NOW + 5);
    assertThat(opened.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(opened.sender()).isEqualTo(ALICE);
    assertThat(opened.timestampMillis()).isEqualTo(NOW);
    assertThat(opened.payload()).isEqualTo(PAYLOAD);
    // The payload is encrypted, not merely authenticated.
    assertThat(new String(datagram, StandardCharsets.ISO_8859_1)).doesNotContain("cluster");
    assertThat(receiver.open(datagram, NOW + 6).outcome()).isEqualTo(Outcome.REPLAYED);
  }

  @Test
  void everySingleBitFlipIsRejectedBeforeDecoding() {
    DatagramSealer sender = sealer(secured(SECRET), 3);
    byte[] datagram = sender.seal(PAYLOAD, NOW);
    for (int bit = 0; bit < datagram.length * 8; bit++) {
      byte[] flipped = datagram.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      Outcome outcome = sealer(secured(SECRET), 4).open(flipped, NOW).outcome();
      assertThat(outcome).as("bit %d", bit).isNotEqualTo(Outcome.ACCEPTED);
    }
  }

  @Test
  void everySingleBitFlipOfAnOpenDatagramIsRejected() {
    DatagramSealer sender = sealer(ClusterSecurity.open("c"), 5);
    byte[] datagram = sender.seal(PAYLOAD, NOW);
    assertThat(datagram).hasSize(PAYLOAD.length + DatagramSealer.OPEN_OVERHEAD_BYTES);
    assertThat(sealer(ClusterSecurity.open("c"), 6).open(datagram, NOW).payload())
        .isEqualTo(PAYLOAD);
    for (int bit = 0; bit < datagram.length * 8; bit++) {
      byte[] flipped = datagram.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      Outcome outcome = sealer(ClusterSecurity.open("c"), 6).open(flipped, NOW).outcome();
      assertThat(outcome).as("bit %d", bit).isNotEqualTo(Outcome.ACCEPTED);
    }
  }

  @Test
  void wrongSecretWrongClusterOrNoSecretIsRejected() {
    byte[] datagram = sealer(secured(SECRET), 7).seal(PAYLOAD, NOW);
    assertThat(sealer(secured(OTHER_SECRET), 8).open(datagram, NOW).outcome())
        .isEqualTo(Outcome.UNKNOWN_KEY);
    assertThat(sealer(ClusterSecurity.open(TestSecrets.CLUSTER), 8).open(datagram, NOW).outcome())
        .isEqualTo(Outcome.UNEXPECTED_SEAL);
    byte[] open = sealer(ClusterSecurity.open(TestSecrets.CLUSTER), 9).seal(PAYLOAD, NOW);
    assertThat(sealer(secured(SECRET), 10).open(open, NOW).outcome()).isEqualTo(Outcome.NOT_SEALED);
    assertThat(sealer(ClusterSecurity.open("elsewhere"), 10).open(open, NOW).outcome())
        .isEqualTo(Outcome.WRONG_CLUSTER);
  }

  @Test
  void sameSecretInAnotherClusterDoesNotAuthenticate() {
    ClusterSecurity other =
        ClusterSecurity.secured(ClusterKeyring.of("other", java.util.List.of(SECRET)));
    byte[] datagram = sealer(other, 11).seal(PAYLOAD, NOW);
    // Different cluster name: different key id, so the key is unknown here.
    assertThat(sealer(secured(SECRET), 12).open(datagram, NOW).outcome())
        .isEqualTo(Outcome.UNKNOWN_KEY);
  }

  @Test
  void staleAndFutureTimestampsAreRejected() {
    DatagramSealer sender = sealer(secured(SECRET), 13);
    assertThat(sealer(secured(SECRET), 14).open(sender.seal(PAYLOAD, NOW - 60_001), NOW).outcome())
        .isEqualTo(Outcome.STALE);
    assertThat(sealer(secured(SECRET), 14).open(sender.seal(PAYLOAD, NOW + 60_001), NOW).outcome())
        .isEqualTo(Outcome.STALE);
    assertThat(sealer(secured(SECRET), 14).open(sender.seal(PAYLOAD, NOW - 59_999), NOW).outcome())
        .isEqualTo(Outcome.ACCEPTED);
  }

  @Test
  void secondaryKeyOfTheKeyringIsAccepted() {
    byte[] datagram = sealer(secured(OTHER_SECRET), 15).seal(PAYLOAD, NOW);
    assertThat(sealer(secured(SECRET, OTHER_SECRET), 16).open(datagram, NOW).outcome())
        .isEqualTo(Outcome.ACCEPTED);
  }

  @Test
  void randomAndTruncatedInputNeverOpensAndNeverThrows() {
    long seed = 0x5eed_0001L;
    SplittableRandom random = new SplittableRandom(seed);
    DatagramSealer sender = sealer(secured(SECRET), 17);
    DatagramSealer securedReceiver = sealer(secured(SECRET), 18);
    DatagramSealer openReceiver = sealer(ClusterSecurity.open(TestSecrets.CLUSTER), 18);
    byte[] valid = sender.seal(PAYLOAD, NOW);
    for (int i = 0; i < 10_000; i++) {
      byte[] input;
      switch (i % 3) {
        case 0 -> {
          input = new byte[random.nextInt(0, 1500)];
          random.nextBytes(input);
          if (input.length >= 4 && random.nextBoolean()) {
            // A plausible header, to get past the magic check.
            input[0] = 0x50;
            input[1] = 0x44;
            input[2] = 1;
            input[3] = (byte) random.nextInt(0, 2);
          }
        }
        case 1 -> input = Arrays.copyOf(valid, random.nextInt(0, valid.length));
        default -> {
          input = valid.clone();
          input[random.nextInt(input.length)] ^= (byte) random.nextInt(1, 256);
        }
      }
      assertThat(securedReceiver.open(input, NOW).accepted())
          .as("seed %d, case %d", seed, i)
          .isFalse();
      assertThat(openReceiver.open(input, NOW).accepted())
          .as("seed %d, case %d", seed, i)
          .isFalse();
    }
  }

  @Test
  void openClusterWarningIsGivenOnlyWithoutASecret() {
    assertThat(ClusterSecurity.open("default").openClusterWarning())
        .hasValueSatisfying(w -> assertThat(w).contains("OPEN").contains("--cluster-secret-file"));
    assertThat(secured(SECRET).openClusterWarning()).isEmpty();
  }
}
