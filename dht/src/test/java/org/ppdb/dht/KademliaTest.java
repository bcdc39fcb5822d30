package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.dht.DhtMessage.FindNode;
import org.ppdb.dht.DhtMessage.Nodes;
import org.ppdb.dht.DhtMessage.Ping;
import org.ppdb.dht.DhtMessage.Pong;
import org.ppdb.dht.DhtMessage.Store;
import org.ppdb.dht.DhtMessage.StoreAck;
import org.ppdb.dht.DhtMessage.Values;

/** One node driven by hand: the rules of the table, the checks on input, the limits. */
class KademliaTest {

  private static final long SECOND = 1_000_000_000L;
  private final SplittableRandom random = new SplittableRandom(11);
  private final NodeId selfId = id("00");
  private final RecordingOutbox out = new RecordingOutbox();

  private static NodeId id(String hexPrefix) {
    return NodeId.parse((hexPrefix + "0".repeat(40)).substring(0, 40));
  }

  private static Address addr(int subnet, int host) {
    return Address.ipv4(10, 0, subnet, host, 4000);
  }

  private Kademlia node(DhtConfig config) {
    return new Kademlia(config, selfId, random.split());
  }

  /** Makes {@code dht} learn a contact the way it must: by a request, then a ping it answers. */
  private void verify(Kademlia dht, NodeId peer, Address at, long now) {
    dht.onMessage(at, new Ping(1, peer), now, out);
    List<RecordingOutbox.Sent> sent = out.drain();
    for (RecordingOutbox.Sent s : sent) {
      if (s.message() instanceof Ping ping) {
        dht.onMessage(at, new Pong(ping.rpcId(), peer), now, out);
      }
    }
  }

  @Test
  void unsolicitedSenderEntersTheTableOnlyAfterAnsweringAPing() {
    Kademlia dht = node(DhtConfig.defaults());
    NodeId peer = id("80");
    Address at = addr(1, 1);
    dht.onMessage(at, new FindNode(7, peer, peer), 0, out);
    List<RecordingOutbox.Sent> sent = out.drain();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).message()).isInstanceOf(Nodes.class);
    assertThat(sent.get(0).message().rpcId()).isEqualTo(7);
    Ping ping = (Ping) sent.get(1).message();
    assertThat(dht.routingTable().contains(peer)).isFalse();
    // A second request while the ping is out does not send another.
    dht.onMessage(at, new Ping(8, peer), 0, out);
    assertThat(out.drain()).hasSize(1);
    dht.onMessage(at, new Pong(ping.rpcId(), peer), 1, out);
    assertThat(dht.routingTable().contains(peer)).isTrue();
  }

  @Test
  void senderThatNeverAnswersThePingStaysOut() {
    Kademlia dht = node(DhtConfig.defaults());
    dht.onMessage(addr(1, 1), new Ping(1, id("80")), 0, out);
    out.drain();
    assertThat(dht.nextDeadlineNanos()).isEqualTo(2 * SECOND);
    dht.onTick(2 * SECOND, out);
    assertThat(dht.routingTable().size()).isZero();
    assertThat(dht.requestsInFlight()).isZero();
    assertThat(dht.stats().requestTimeouts()).isEqualTo(1);
  }

  @Test
  void forgedOrMisdirectedResponsesAreDropped() {
    Kademlia dht = node(DhtConfig.defaults());
    NodeId peer = id("80");
    Address at = addr(1, 1);
    dht.onMessage(at, new Ping(1, peer), 0, out);
    Ping ping = (Ping) out.drain().get(1).message();
    dht.onMessage(at, new Pong(ping.rpcId() + 1, peer), 0, out); // wrong rpc id
    dht.onMessage(addr(2, 1), new Pong(ping.rpcId(), peer), 0, out); // wrong address
    dht.onMessage(at, new Pong(ping.rpcId(), id("81")), 0, out); // wrong id
    dht.onMessage(at, new Nodes(ping.rpcId(), peer, List.of()), 0, out); // wrong type
    assertThat(dht.routingTable().size()).isZero();
    assertThat(dht.stats().droppedUnmatched()).isEqualTo(4);
    // The real answer still counts: the forgeries did not cancel the request.
    dht.onMessage(at, new Pong(ping.rpcId(), peer), 0, out);
    assertThat(dht.routingTable().contains(peer)).isTrue();
  }

  @Test
  void fullBucketEvictsTheOldestOnlyAfterItFailsAPing() {
    DhtConfig config = DhtConfig.builder().bucketSize(2).lookupShortlistMax(4).build();
    Kademlia dht = node(config);
    verify(dht, id("80"), addr(1, 1), 0);
    verify(dht, id("90"), addr(2, 1), 0);
    assertThat(dht.routingTable().bucket(0))
        .extracting(Contact::id)
        .containsExactly(id("80"), id("90"));
    // A third contact answers a lookup: it waits as a replacement; the oldest is pinged.
    long op = dht.lookup(id("a0"), 0, out);
    List<RecordingOutbox.Sent> sent = out.drain();
    assertThat(sent).hasSize(2);
    Contact third = new Contact(id("a0"), addr(3, 1));
    for (RecordingOutbox.Sent s : sent) {
      NodeId responder = s.to().equals(addr(1, 1)) ? id("80") : id("90");
      dht.onMessage(s.to(), new Nodes(s.message().rpcId(), responder, List.of(third)), 1, out);
    }
    sent = out.drain();
    FindNode toThird = (FindNode) sent.get(0).message();
    dht.onMessage(third.address(), new Nodes(toThird.rpcId(), third.id(), List.of()), 2, out);
    sent = out.drain();
    assertThat(dht.routingTable().replacements(0)).containsExactly(third);
    assertThat(out.results).hasSize(1);
    assertThat(out.results.get(0).operationId()).isEqualTo(op);
    Ping eviction =
        (Ping) sent.stream().filter(s -> s.message() instanceof Ping).findFirst().get().message();
    NodeId oldest = dht.routingTable().bucket(0).get(0).id();
    // The oldest fails to answer: it is evicted and the replacement takes its place.
    dht.onTick(2 + 2 * SECOND, out);
    assertThat(dht.routingTable().contains(oldest)).isFalse();
    assertThat(dht.routingTable().bucket(0)).contains(third);
    assertThat(dht.routingTable().replacements(0)).isEmpty();
    assertThat(dht.stats().contactsEvicted()).isEqualTo(1);
    assertThat(eviction.sender()).isEqualTo(selfId);
  }

  @Test
  void oldestThatAnswersThePingStays() {
    DhtConfig config = DhtConfig.builder().bucketSize(1).lookupShortlistMax(4).build();
    Kademlia dht = node(config);
    verify(dht, id("80"), addr(1, 1), 0);
    // A contact of the full bucket answers a lookup.
    dht.lookup(id("ff"), 0, out);
    FindNode find = (FindNode) out.drain().get(0).message();
    Contact newcomer = new Contact(id("c0"), addr(2, 1));
    dht.onMessage(addr(1, 1), new Nodes(find.rpcId(), id("80"), List.of(newcomer)), 1, out);
    FindNode toNewcomer = (FindNode) out.drain().get(0).message();
    dht.onMessage(
        newcomer.address(), new Nodes(toNewcomer.rpcId(), newcomer.id(), List.of()), 2, out);
    Ping ping =
        (Ping)
            out.drain().stream()
                .filter(s -> s.message() instanceof Ping)
                .findFirst()
                .get()
                .message();
    dht.onMessage(addr(1, 1), new Pong(ping.rpcId(), id("80")), 3, out);
    dht.onTick(10 * SECOND, out);
    assertThat(dht.routingTable().bucket(0)).extracting(Contact::id).containsExactly(id("80"));
    assertThat(dht.routingTable().replacements(0)).containsExactly(newcomer);
  }

  @Test
  void subnetLimitsHoldPerBucketAndPerTable() {
    Kademlia dht = node(DhtConfig.defaults());
    // Three contacts of 10.0.1.0/24 in bucket 0: the third is refused.
    verify(dht, id("80"), addr(1, 1), 0);
    verify(dht, id("90"), addr(1, 2), 0);
    verify(dht, id("a0"), addr(1, 3), 0);
    assertThat(dht.routingTable().bucket(0)).hasSize(2);
    // Across buckets, at most 10 of one /24 in the table.
    for (int i = 0; i < 12; i++) {
      NodeId peer = selfId.randomWithPrefix(1 + i / 2, random);
      verify(dht, peer, addr(1, 10 + i), 0);
    }
    assertThat(dht.routingTable().size()).isEqualTo(10);
    assertThat(dht.stats().contactsRejectedBySubnet()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void malformedMessagesAreDroppedAndCountedNeverThrown() {
    DhtConfig config = DhtConfig.defaults();
    Kademlia dht = node(config);
    NodeId peer = id("80");
    Address at = addr(1, 1);
    List<Contact> tooMany = new ArrayList<>();
    for (int i = 0; i < config.contactsPerMessageMax() + 1; i++) {
      tooMany.add(new Contact(NodeId.random(random), addr(2, i)));
    }
    List<DhtMessage> bad = new ArrayList<>();
    bad.add(new Ping(1, null));
    bad.add(new FindNode(1, peer, null));
    bad.add(new Nodes(1, peer, tooMany));
    bad.add(new Nodes(1, peer, null));
    bad.add(new Values(1, peer, List.of(), null));
    bad.add(new Store(1, peer, peer, RecordKind.VALUE, new byte[config.valueBytesMax() + 1]));
    bad.add(new Store(1, peer, peer, null, new byte[1]));
    bad.add(new Ping(1, selfId)); // our own id, from elsewhere
    bad.add(null);
    for (DhtMessage m : bad) {
      dht.onMessage(at, m, 0, out);
    }
    dht.onMessage(null, new Ping(1, peer), 0, out);
    assertThat(out.sent).isEmpty();
    assertThat(dht.stats().droppedMalformed()).isEqualTo(bad.size() + 1);
  }

  @Test
  void storedRecordsAreBoundedAndExpire() {
    DhtConfig config =
        DhtConfig.builder()
            .recordsPerKeyMax(2)
            .recordsStoredMax(3)
            .recordTtlNanos(100 * SECOND)
            .republishIntervalNanos(50 * SECOND)
            .build();
    Kademlia dht = node(config);
    NodeId key = id("42");
    for (int i = 0; i < 3; i++) {
      dht.onMessage(
          addr(1, i), new Store(i, id("8" + i), key, RecordKind.PROVIDER, new byte[1]), 0, out);
    }
    dht.onMessage(
        addr(2, 1), new Store(9, id("f0"), id("43"), RecordKind.VALUE, new byte[1]), 0, out);
    dht.onMessage(
        addr(2, 2), new Store(10, id("f1"), id("44"), RecordKind.VALUE, new byte[1]), 10, out);
    List<Boolean> acks =
        out.drain().stream()
            .filter(s -> s.message() instanceof StoreAck)
            .map(s -> ((StoreAck) s.message()).stored())
            .toList();
    // Two per key, three in all.
    assertThat(acks).containsExactly(true, true, false, true, false);
    assertThat(dht.storedRecordCount()).isEqualTo(3);
    assertThat(dht.stats().recordsRefused()).isEqualTo(2);
    // A re-STORE by the same publisher refreshes instead of adding.
    dht.onMessage(
        addr(1, 0),
        new Store(11, id("80"), key, RecordKind.PROVIDER, new byte[2]),
        50 * SECOND,
        out);
    assertThat(dht.storedRecordCount()).isEqualTo(3);
    dht.onTick(100 * SECOND, out);
    assertThat(dht.storedRecordCount()).isEqualTo(1);
    dht.onTick(150 * SECOND, out);
    assertThat(dht.storedRecordCount()).isZero();
  }

  @Test
  void operationsBeyondTheLimitAreRefusedAsBusy() {
    Kademlia dht = node(DhtConfig.builder().operationsMax(1).build());
    verify(dht, id("80"), addr(1, 1), 0);
    long first = dht.lookup(id("81"), 0, out);
    long second = dht.lookup(id("82"), 0, out);
    assertThat(out.results).hasSize(1);
    assertThat(out.results.get(0).operationId()).isEqualTo(second);
    assertThat(out.results.get(0).status()).isEqualTo(OperationStatus.BUSY);
    assertThat(first).isNotEqualTo(second);
    assertThat(dht.stats().operationsRefused()).isEqualTo(1);
  }

  @Test
  void emptyTableCompletesAtOnceWithNoContacts() {
    Kademlia dht = node(DhtConfig.defaults());
    long op = dht.lookup(id("81"), 0, out);
    assertThat(out.results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.operationId()).isEqualTo(op);
              assertThat(r.status()).isEqualTo(OperationStatus.NO_CONTACTS);
            });
    assertThat(out.sent).isEmpty();
  }

  @Test
  void idleNodeHasNoDeadlineAndTicksDoNothing() {
    Kademlia dht = node(DhtConfig.defaults());
    assertThat(dht.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
    dht.onTick(1_000 * SECOND, out);
    assertThat(out.sent).isEmpty();
    verify(dht, id("80"), addr(1, 1), 0);
    // Only the hourly refresh of the new bucket is due.
    assertThat(dht.nextDeadlineNanos()).isEqualTo(3600 * SECOND);
    dht.onTick(3599 * SECOND, out);
    assertThat(out.sent).isEmpty();
    dht.onTick(3600 * SECOND, out);
    assertThat(out.sent)
        .singleElement()
        .satisfies(s -> assertThat(s.message()).isInstanceOf(FindNode.class));
  }

  @Test
  void publicationsAreCheckedAgainstTheLimits() {
    Kademlia dht = node(DhtConfig.builder().publicationsMax(1).valueBytesMax(4).build());
    assertThatThrownBy(() -> dht.store(id("42"), new byte[5], 0, out))
        .hasMessage("value.length: 5 (expected: <= valueBytesMax 4)");
    dht.store(id("42"), new byte[4], 0, out);
    dht.store(id("42"), new byte[3], 0, out); // replaces the same publication
    assertThatThrownBy(() -> dht.announceProvider(id("43"), new byte[1], 0, out))
        .hasMessage("publications: 1 (expected: < publicationsMax 1)");
    dht.unpublish(id("42"), RecordKind.VALUE);
    dht.announceProvider(id("43"), new byte[1], 0, out);
  }

  @Test
  void lateLookupAnswerDoesNotRepeatTheStorePhase() {
    DhtConfig config = DhtConfig.builder().bucketSize(2).alpha(2).lookupShortlistMax(4).build();
    Kademlia dht = node(config);
    NodeId key = id("f0");
    // a is close to the key, b far; both in the table.
    Contact a = new Contact(id("e0"), addr(1, 1));
    Contact b = new Contact(id("80"), addr(2, 1));
    verify(dht, a.id(), a.address(), 0);
    verify(dht, b.id(), b.address(), 0);
    dht.store(key, new byte[1], 0, out);
    List<RecordingOutbox.Sent> sent = out.drain();
    assertThat(sent).hasSize(2);
    RecordingOutbox.Sent toA =
        sent.stream().filter(x -> x.to().equals(a.address())).findFirst().get();
    RecordingOutbox.Sent toB =
        sent.stream().filter(x -> x.to().equals(b.address())).findFirst().get();
    // a names two nodes closer than b; both answer, so the two closest have answered while the
    // request to b is still in flight.
    Contact c = new Contact(id("f1"), addr(3, 1));
    Contact d = new Contact(id("f2"), addr(4, 1));
    dht.onMessage(a.address(), new Nodes(toA.message().rpcId(), a.id(), List.of(c, d)), 1, out);
    List<RecordingOutbox.Sent> stores = new ArrayList<>();
    List<RecordingOutbox.Sent> batch = out.drain();
    while (!batch.isEmpty()) {
      for (RecordingOutbox.Sent x : batch) {
        if (x.message() instanceof FindNode) {
          NodeId responder = x.to().equals(c.address()) ? c.id() : d.id();
          dht.onMessage(x.to(), new Nodes(x.message().rpcId(), responder, List.of()), 2, out);
        } else if (x.message() instanceof Store) {
          stores.add(x);
        }
      }
      batch = out.drain();
    }
    assertThat(stores)
        .extracting(RecordingOutbox.Sent::to)
        .containsExactlyInAnyOrder(c.address(), d.address());
    // b's late answer changes nothing: no second round of STOREs.
    dht.onMessage(b.address(), new Nodes(toB.message().rpcId(), b.id(), List.of()), 3, out);
    assertThat(out.drain()).noneMatch(x -> x.message() instanceof Store);
    for (RecordingOutbox.Sent st : stores) {
      NodeId holder = st.to().equals(c.address()) ? c.id() : d.id();
      dht.onMessage(st.to(), new StoreAck(st.message().rpcId(), holder, true), 4, out);
    }
    assertThat(out.results)
        .singleElement()
        .satisfies(r -> assertThat(((DhtResult.StoreResult) r).storedCount()).isEqualTo(2));
  }
}
