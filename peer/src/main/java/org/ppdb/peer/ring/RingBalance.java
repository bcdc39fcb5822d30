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

  /**
   * Prints the balance table behind the default token count: N = 1 and 3, 3 / 10 / 100 members, 1
   * to 256 tokens, median and worst of 51 rings (11 at 100 members), seed 7. Run it from the cli
   * jar: {@code java -cp cli/target/ppdb.jar org.ppdb.peer.ring.RingBalance}.
   */
  public static void main(String[] args) {
    System.out.println("N  members  tokens  median max/mean  worst max/mean  token bytes/member");
    for (int replicationFactor : new int[] {1, 3}) {
      for (int members : new int[] {3, 10, 100}) {
        for (int tokens : new int[] {1, 4, 8, 16, 32, 64, 128, 256}) {
          Result r = measure(members, tokens, replicationFactor, members == 100 ? 11 : 51, 7);
          System.out.printf(
              java.util.Locale.ROOT,
              "%d  %7d  %6d  %15.3f  %14.3f  %18d%n",
              replicationFactor,
              members,
              tokens,
              r.medianMaxOverMean(),
              r.worstMaxOverMean(),
              r.metadataBytesPerMember());
        }
      }
    }
  }
}
