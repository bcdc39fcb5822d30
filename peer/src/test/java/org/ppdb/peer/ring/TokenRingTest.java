package org.ppdb.peer.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenRingTest {

  /** Brute force: sort every (token, member), take the first at or after the position, walk on. */
  private static List<String> bruteForceReplicas(Map<String, long[]> tokens, long position, int n) {
    List<Map.Entry<Long, String>> all = new ArrayList<>();
    tokens.forEach(
        (member, memberTokens) -> {
          for (long token : memberTokens) {
            all.add(Map.entry(token, member));
          }
        });
    all.sort(
        Comparator.<Map.Entry<Long, String>>comparingLong(Map.Entry::getKey)
            .thenComparing(Map.Entry::getValue));
    if (all.isEmpty()) {
      return List.of();
    }
    int start = 0;
    while (start < all.size() && all.get(start).getKey() < position) {
      start++;
    }
    if (start == all.size()) {
      start = 0;
    }
    List<String> replicas = new ArrayList<>();
    for (int step = 0; step < all.size() && replicas.size() < n; step++) {
      String member = all.get((start + step) % all.size()).getValue();
      if (!replicas.contains(member)) {
        replicas.add(member);
      }
    }
    return replicas;
  }

  @Test
  void placementMatchesBruteForceOnRandomRings() {
    for (long seed = 1; seed <= 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int memberCount = 1 + random.nextInt(12);
      int n = 1 + random.nextInt(5);
      Map<String, long[]> tokens = new LinkedHashMap<>();
      List<Long> used = new ArrayList<>();
      for (int m = 0; m < memberCount; m++) {
        long[] memberTokens = new long[1 + random.nextInt(8)];
        for (int t = 0; t < memberTokens.length; t++) {
          // Sometimes reuse a token of another member, to exercise the tie-break.
          memberTokens[t] =
              !used.isEmpty() && random.nextInt(10) == 0
                  ? used.get(random.nextInt(used.size()))
                  : random.nextLong();
          used.add(memberTokens[t]);
        }
        tokens.put("m" + m, memberTokens);
      }
      TokenRing<String> ring = TokenRing.of(tokens, n);
      for (int probe = 0; probe < 200; probe++) {
        long position = probe % 4 == 0 ? used.get(random.nextInt(used.size())) : random.nextLong();
        assertThat(ring.replicasAt(position))
            .as("seed %d position %d", seed, position)
            .isEqualTo(bruteForceReplicas(tokens, position, n));
      }
      for (long edge : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1}) {
        assertThat(ring.replicasAt(edge))
            .as("seed %d edge %d", seed, edge)
            .isEqualTo(bruteForceReplicas(tokens, edge, n));
      }
    }
  }

  @Test
  void rangesCoverTheRingOnceAndAgreeWithLookups() {
    SplittableRandom random = new SplittableRandom(42);
    Map<String, long[]> tokens = new HashMap<>();
    for (int m = 0; m < 7; m++) {
      tokens.put("m" + m, KeyHash.tokensFor(("m" + m).getBytes(StandardCharsets.UTF_8), 16));
    }
    TokenRing<String> ring = TokenRing.of(tokens, 3);
    List<TokenRange<String>> ranges = ring.ranges();
    assertThat(ranges).hasSize(7 * 16);
    assertThat(ranges.stream().mapToDouble(TokenRange::fractionOfRing).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(ring.replicaShare().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
    for (int probe = 0; probe < 10_000; probe++) {
      long position = random.nextLong();
      List<TokenRange<String>> holding =
          ranges.stream().filter(range -> range.contains(position)).toList();
      assertThat(holding).as("position %d", position).hasSize(1);
      assertThat(holding.get(0).replicas()).isEqualTo(ring.replicasAt(position));
    }
  }

  @Test
  void fewerMembersThanReplicationFactorPlacesOnAll() {
    TokenRing<String> ring =
        TokenRing.of(Map.of("a", new long[] {10, 20}, "b", new long[] {15}), 3);
    assertThat(ring.replicasAt(12)).containsExactly("b", "a");
    assertThat(ring.replicasAt(21)).containsExactly("a", "b"); // wraps to token 10
  }

  @Test
  void singleTokenOwnsTheWholeRing() {
    TokenRing<String> ring = TokenRing.of(Map.of("a", new long[] {0}), 3);
    assertThat(ring.ranges()).hasSize(1);
    assertThat(ring.ranges().get(0).fractionOfRing()).isEqualTo(1.0);
    assertThat(ring.replicasAt(Long.MIN_VALUE)).containsExactly("a");
  }

  @Test
  void emptyRingHasNoReplicas() {
    assertThat(TokenRing.<String>of(Map.of(), 3).replicasAt(5)).isEmpty();
  }

  @Test
  void rejectsAReplicationFactorBelowOne() {
    assertThatThrownBy(() -> TokenRing.of(Map.<String, long[]>of(), 0))
        .hasMessage("replicationFactor: 0 (expected: >= 1)");
  }

  @Test
  void keyPositionsAndTokensAreFrozen() {
    // Placement of every stored key depends on these values: they must never change.
    assertThat(Long.toHexString(KeyHash.position("user:1".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(FROZEN_USER_1);
    assertThat(KeyHash.tokensFor(new byte[] {1, 2, 3}, 2)).hasSize(2).doesNotHaveDuplicates();
  }

  private static final String FROZEN_USER_1 = "25356fa39494dc00";
}
