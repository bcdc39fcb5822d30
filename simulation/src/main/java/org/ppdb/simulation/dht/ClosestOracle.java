package org.ppdb.simulation.dht;

import java.util.Arrays;
import org.ppdb.dht.NodeId;

/**
 * The brute-force answer a lookup is checked against: the k node ids closest to a target by XOR
 * distance among a fixed set of live nodes, by a linear scan over all of them. Deliberately naive
 * (no trie, no sorting trick), so that it cannot share a bug with the routing table it judges.
 *
 * <p>Cost O(n * k) per query in the worst case, O(n) in practice; ids held as three primitive
 * arrays (28 bytes per node). Not thread-safe.
 */
public final class ClosestOracle {

  private final int[] nodes;
  private final long[] highs;
  private final long[] middles;
  private final int[] lows;

  /** An oracle over {@code nodes}, whose ids are {@code ids[node]}. */
  public ClosestOracle(int[] nodes, NodeId[] ids) {
    this.nodes = nodes.clone();
    highs = new long[nodes.length];
    middles = new long[nodes.length];
    lows = new int[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      NodeId id = ids[nodes[i]];
      highs[i] = id.high();
      middles[i] = id.middle();
      lows[i] = id.low();
    }
  }

  public int size() {
    return nodes.length;
  }

  /** The node indexes of the {@code k} closest ids to {@code target}, closest first. */
  public int[] closest(NodeId target, int k) {
    return closest(target, k, -1);
  }

  /**
   * The same, leaving out node {@code exclude} (the node that runs the lookup: a Kademlia lookup
   * never returns its own node), or none when negative.
   */
  public int[] closest(NodeId target, int k, int exclude) {
    int skip = -1;
    for (int i = 0; exclude >= 0 && i < nodes.length; i++) {
      if (nodes[i] == exclude) {
        skip = i;
        break;
      }
    }
    int want = Math.min(k, nodes.length - (skip >= 0 ? 1 : 0));
    int[] best = new int[want]; // positions into the arrays, sorted by distance
    int count = 0;
    long th = target.high();
    long tm = target.middle();
    int tl = target.low();
    for (int i = 0; i < nodes.length; i++) {
      if (i == skip || want == 0) {
        continue;
      }
      if (count == want && !closer(i, best[count - 1], th, tm, tl)) {
        continue;
      }
      int at = count < want ? count++ : want - 1;
      while (at > 0 && closer(i, best[at - 1], th, tm, tl)) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = i;
    }
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = nodes[best[i]];
    }
    return out;
  }

  private boolean closer(int a, int b, long th, long tm, int tl) {
    int c = Long.compareUnsigned(highs[a] ^ th, highs[b] ^ th);
    if (c != 0) {
      return c < 0;
    }
    c = Long.compareUnsigned(middles[a] ^ tm, middles[b] ^ tm);
    if (c != 0) {
      return c < 0;
    }
    return Integer.compareUnsigned(lows[a] ^ tl, lows[b] ^ tl) < 0;
  }

  @Override
  public String toString() {
    return "ClosestOracle" + Arrays.toString(Arrays.copyOf(nodes, Math.min(8, nodes.length)));
  }
}
