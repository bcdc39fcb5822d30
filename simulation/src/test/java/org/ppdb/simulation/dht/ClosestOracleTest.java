package org.ppdb.simulation.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.dht.NodeId;

class ClosestOracleTest {

  @Test
  void agreesWithSortingEveryIdByXorDistance() {
    for (long seed = 1; seed <= 10; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int n = 1 + random.nextInt(500);
      NodeId[] ids = new NodeId[n];
      int[] nodes = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = NodeId.random(random);
        nodes[i] = i;
      }
      ClosestOracle oracle = new ClosestOracle(nodes, ids);
      for (int q = 0; q < 50; q++) {
        NodeId target = q % 5 == 0 ? ids[random.nextInt(n)] : NodeId.random(random);
        int k = 1 + random.nextInt(25);
        List<Integer> sorted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          sorted.add(i);
        }
        sorted.sort(
            Comparator.comparing(i -> ids[i], (a, b) -> NodeId.compareDistance(target, a, b)));
        int[] expected =
            sorted.subList(0, Math.min(k, n)).stream().mapToInt(Integer::intValue).toArray();
        assertThat(oracle.closest(target, k))
            .as("seed %d query %d", seed, q)
            .containsExactly(expected);
      }
    }
  }
}
