package org.ppdb.peer.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A consistent-hashing ring with virtual nodes: every member owns a set of tokens (positions on a
 * 64-bit circle), and a key is stored on the first {@code replicationFactor} distinct members met
 * walking clockwise from the key's position.
 *
 * <p>The scheme is Karger et al.'s consistent hashing with Dynamo's virtual nodes and preference
 * lists (DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store", SOSP 2007, sections
 * 4.2 and 4.3). Positions are signed 64-bit values ordered as signed longs, and the circle wraps
 * from {@link Long#MAX_VALUE} to {@link Long#MIN_VALUE}. A token t owns the range {@code (previous
 * token, t]}; a key at position p belongs to the range of the first token at or after p, wrapping
 * around.
 *
 * <p>The ring is immutable: membership changes build a new ring (cost O(T·n·log(T·n)) for n members
 * of T tokens, done on the node loop when membership changes, not per request). A lookup costs one
 * binary search over the tokens plus a copy-free read of the precomputed replica set of that range.
 * Thread safety: immutable, so any thread may use it.
 *
 * @param <M> the member identity; its natural order breaks ties between equal tokens, so every peer
 *     builds the same ring from the same membership
 */
public final class TokenRing<M extends Comparable<? super M>> {

  private final List<M> members;
  private final long[] tokens;
  private final int[] owners;
  private final int replicationFactor;
  private final List<List<M>> replicaSets;

  private TokenRing(
      List<M> members, long[] tokens, int[] owners, int replicationFactor, List<List<M>> sets) {
    this.members = members;
    this.tokens = tokens;
    this.owners = owners;
    this.replicationFactor = replicationFactor;
    this.replicaSets = sets;
  }

  /**
   * Builds the ring of the given members and their tokens.
   *
   * @param tokensByMember every member's tokens; a member with no tokens owns nothing
   * @param replicationFactor N, the number of distinct replicas per key; a ring with fewer members
   *     places each key on all of them
   */
  public static <M extends Comparable<? super M>> TokenRing<M> of(
      Map<M, long[]> tokensByMember, int replicationFactor) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replicationFactor: " + replicationFactor + " (expected: >= 1)");
    }
    SortedMap<M, long[]> sorted = new TreeMap<>(tokensByMember);
    List<M> members = List.copyOf(sorted.keySet());
    int total = 0;
    for (long[] memberTokens : sorted.values()) {
      total += memberTokens.length;
    }
    // Sort (token, member index) pairs; the member order breaks ties between equal tokens.
    long[][] pairs = new long[total][];
    int next = 0;
    int memberIndex = 0;
    for (long[] memberTokens : sorted.values()) {
      for (long token : memberTokens) {
        pairs[next++] = new long[] {token, memberIndex};
      }
      memberIndex++;
    }
    Arrays.sort(
        pairs, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long[] tokens = new long[total];
    int[] owners = new int[total];
    for (int i = 0; i < total; i++) {
      tokens[i] = pairs[i][0];
      owners[i] = (int) pairs[i][1];
    }
    int distinct = 0;
    for (long[] memberTokens : sorted.values()) {
      if (memberTokens.length > 0) {
        distinct++;
      }
    }
    int replicas = Math.min(replicationFactor, distinct);
    List<List<M>> sets = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      sets.add(walk(members, owners, i, replicas));
    }
    return new TokenRing<>(members, tokens, owners, replicationFactor, sets);
  }

  /**
   * The first {@code count} distinct owners met walking clockwise from token index {@code start}.
   */
  private static <M> List<M> walk(List<M> members, int[] owners, int start, int count) {
    List<M> result = new ArrayList<>(count);
    boolean[] taken = new boolean[members.size()];
    for (int step = 0; step < owners.length && result.size() < count; step++) {
      int owner = owners[(start + step) % owners.length];
      if (!taken[owner]) {
        taken[owner] = true;
        result.add(members.get(owner));
      }
    }
    return Collections.unmodifiableList(result);
  }

  /** The replicas of a key, primary first: the next N distinct members clockwise from its hash. */
  public List<M> replicasForKey(byte[] key) {
    return replicasAt(KeyHash.position(key));
  }

  /** The replicas of the range that holds {@code position}, primary first. */
  public List<M> replicasAt(long position) {
    if (tokens.length == 0) {
      return List.of();
    }
    return replicaSets.get(rangeIndex(position));
  }

  /** Index of the first token at or after {@code position}, wrapping to 0. */
  private int rangeIndex(long position) {
    int index = Arrays.binarySearch(tokens, position);
    if (index >= 0) {
      // Equal tokens: the range belongs to the first of them.
      while (index > 0 && tokens[index - 1] == position) {
        index--;
      }
      return index;
    }
    int insertion = -index - 1;
    return insertion == tokens.length ? 0 : insertion;
  }

  /** Every range of the ring in token order, with its replicas. */
  public List<TokenRange<M>> ranges() {
    List<TokenRange<M>> ranges = new ArrayList<>(tokens.length);
    for (int i = 0; i < tokens.length; i++) {
      long start = tokens[(i + tokens.length - 1) % tokens.length];
      if (i > 0 && tokens[i] == tokens[i - 1]) {
        continue; // an empty range: a duplicate token owns nothing
      }
      ranges.add(new TokenRange<>(start, tokens[i], replicaSets.get(i)));
    }
    return ranges;
  }

  /**
   * The share of the circle each member holds a replica of (a fraction in [0, 1]; the shares sum to
   * min(N, members)). This is the expected share of keys the member stores.
   */
  public Map<M, Double> replicaShare() {
    Map<M, Double> share = new TreeMap<>();
    for (M member : members) {
      share.put(member, 0.0);
    }
    for (TokenRange<M> range : ranges()) {
      double fraction = range.fractionOfRing();
      for (M replica : range.replicas()) {
        share.merge(replica, fraction, Double::sum);
      }
    }
    return share;
  }

  /** The members of the ring in their natural order. */
  public List<M> members() {
    return members;
  }

  /** The number of tokens on the ring. */
  public int tokenCount() {
    return tokens.length;
  }

  /** The replication factor N this ring was built with. */
  public int replicationFactor() {
    return replicationFactor;
  }

  /** The owner of token index {@code i} in ring order; for tests and diagnostics. */
  M ownerOfToken(int i) {
    return members.get(owners[i]);
  }

  /** Token {@code i} in ring order; for tests and diagnostics. */
  long token(int i) {
    return tokens[i];
  }
}
