package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lookup state machine alone, with answers made up by the test. */
class LookupTest {

  private record Query(int path, Lookup.Entry entry) {}

  @Test
  void disjointPathsNeverShareANodeAndStillConverge() {
    long seed = 5;
    SplittableRandom r = new SplittableRandom(seed);
    DhtConfig config =
        DhtConfig.builder().bucketSize(4).alpha(2).disjointPaths(3).lookupShortlistMax(8).build();
    NodeId self = NodeId.random(r);
    NodeId target = NodeId.random(r);
    List<Contact> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(new Contact(NodeId.random(r), Address.ipv4(10 << 24 | i << 8 | 1, 1)));
    }
    Lookup lookup = new Lookup(self, target, false, RecordKind.VALUE, 1, config, List.of());
    lookup.seed(all.subList(0, 9), 1);
    Map<NodeId, Integer> askedBy = new HashMap<>();
    ArrayDeque<Query> queue = new ArrayDeque<>();
    Lookup.Querier querier = (p, e) -> queue.add(new Query(p, e));
    lookup.advance(querier);
    while (!queue.isEmpty()) {
      Query q = queue.poll();
      Integer before = askedBy.put(q.entry().contact.id(), q.path());
      assertThat(before).as("seed %d: %s asked twice", seed, q.entry().contact).isNull();
      // Every node answers with its 4 closest to the target among all nodes: every path converges
      // on the same neighbourhood, yet no node may be asked by two paths.
      List<Contact> answer = new ArrayList<>(all);
      answer.sort((a, b) -> NodeId.compareDistance(target, a.id(), b.id()));
      int from = r.nextInt(4);
      lookup.onAnswer(q.path(), q.entry(), answer.subList(from, from + 4), List.of());
      lookup.advance(querier);
    }
    assertThat(lookup.isDone()).isTrue();
    assertThat(askedBy.values()).as("seed %d: all paths used", seed).contains(0, 1, 2);
    List<Contact> sorted = new ArrayList<>(all);
    sorted.sort((a, b) -> NodeId.compareDistance(target, a.id(), b.id()));
    // The merged result is the closest over all paths.
    assertThat(lookup.closestAnswered(4).get(0)).isEqualTo(sorted.get(0));
  }

  @Test
  void contactThatTimedOutIsNeverAskedAgain() {
    SplittableRandom r = new SplittableRandom(8);
    DhtConfig config = DhtConfig.builder().bucketSize(3).alpha(1).lookupShortlistMax(6).build();
    NodeId target = NodeId.random(r);
    Contact dead = new Contact(target.randomWithPrefix(150, r), Address.ipv4(1, 1));
    Contact live = new Contact(target.randomWithPrefix(10, r), Address.ipv4(2, 1));
    Lookup lookup =
        new Lookup(NodeId.random(r), target, false, RecordKind.VALUE, 1, config, List.of());
    lookup.seed(List.of(dead, live), 1);
    List<Query> asked = new ArrayList<>();
    lookup.advance((p, e) -> asked.add(new Query(p, e)));
    assertThat(asked).singleElement().satisfies(q -> assertThat(q.entry().contact).isEqualTo(dead));
    lookup.onTimeout(0, asked.get(0).entry());
    lookup.advance((p, e) -> asked.add(new Query(p, e)));
    assertThat(asked.get(1).entry().contact).isEqualTo(live);
    // The live node names the dead one again: it is not re-added.
    lookup.onAnswer(0, asked.get(1).entry(), List.of(dead), List.of());
    lookup.advance((p, e) -> asked.add(new Query(p, e)));
    assertThat(asked).hasSize(2);
    assertThat(lookup.isDone()).isTrue();
    assertThat(lookup.closestAnswered(3)).containsExactly(live);
    assertThat(lookup.timeouts).isEqualTo(1);
  }

  @Test
  void requestBudgetEndsALookupFedEverCloserContacts() {
    SplittableRandom r = new SplittableRandom(21);
    DhtConfig config =
        DhtConfig.builder()
            .bucketSize(2)
            .alpha(1)
            .lookupShortlistMax(4)
            .lookupRequestsMax(10)
            .build();
    NodeId target = NodeId.random(r);
    Lookup lookup =
        new Lookup(NodeId.random(r), target, false, RecordKind.VALUE, 1, config, List.of());
    lookup.seed(List.of(new Contact(target.randomWithPrefix(1, r), Address.ipv4(1, 1))), 1);
    List<Query> asked = new ArrayList<>();
    Lookup.Querier querier = (p, e) -> asked.add(new Query(p, e));
    lookup.advance(querier);
    // An adversary answers every request with a fresh contact closer than anything seen.
    for (int i = 0; i < 100 && !lookup.isDone(); i++) {
      Query q = asked.get(asked.size() - 1);
      Contact closer = new Contact(target.randomWithPrefix(2 + i, r), Address.ipv4(2 + i, 1));
      lookup.onAnswer(q.path(), q.entry(), List.of(closer), List.of());
      lookup.advance(querier);
    }
    assertThat(lookup.isDone()).isTrue();
    assertThat(asked).hasSize(10);
  }
}
