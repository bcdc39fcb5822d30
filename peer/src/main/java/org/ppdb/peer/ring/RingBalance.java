package org.ppdb.peer.ring;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures how evenly a ring spreads data: the ratio of the most loaded member's share to the mean
 * share (1.0 is perfect balance), for members whose ids are random, as real node ids (hashes of
 * public keys) are. This is the figure behind the default number of tokens per member: more tokens
 * balance better but cost metadata in gossip and time to build the ring.
 *
 * <p>Cost: O(samples · members · tokens · log) time; a pure function of its arguments.
 */
public final class RingBalance {

  private RingBalance() {}

  /** One measurement: the median and worst max/mean ratio over the samples. */
  public record Result(
      int members,
      int tokensPerMember,
      int replicationFactor,
      int samples,
      double medianMaxOverMean,
      double worstMaxOverMean,
      int metadataBytesPerMember) {}

  /**
   * Builds {@code samples} rings of {@code members} random ids with {@code tokensPerMember} tokens
   * each and reports max/mean of the members' replica shares.
   */
  public static Result measure(
      int members, int tokensPerMember, int replicationFactor, int samples, long seed) {
    if (members < 1 || tokensPerMember < 1 || samples < 1) {
      throw new IllegalArgumentException(
          "members, tokensPerMember, samples: "
              + members
              + ", "
              + tokensPerMember
              + ", "
              + samples
              + " (expected: all >= 1)");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] ratios = new double[samples];
    for (int s = 0; s < samples; s++) {
      Map<String, long[]> tokens = new HashMap<>();
      for (int m = 0; m < members; m++) {
        byte[] id = new byte[20];
        random.nextBytes(id);
        tokens.put(String.format("%05d", m), KeyHash.tokensFor(id, tokensPerMember));
      }
      TokenRing<String> ring = TokenRing.of(tokens, replicationFactor);
      double max = 0;
      double sum = 0;
      for (double share : ring.replicaShare().values()) {
        max = Math.max(max, share);
        sum += share;
      }
      ratios[s] = max / (sum / members);
    }
    Arrays.sort(ratios);
    return new Result(
        members,
        tokensPerMember,
        replicationFactor,
        samples,
        ratios[samples / 2],
        ratios[samples - 1],
        tokensPerMember * Long.BYTES);
  }
}
