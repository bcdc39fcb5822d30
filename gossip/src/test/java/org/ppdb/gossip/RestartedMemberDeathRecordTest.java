package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.gossip.TestCluster.MS;
import static org.ppdb.gossip.TestCluster.S;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppdb.gossip.SwimMessage.Ack;
import org.ppdb.gossip.SwimMessage.Gossip;
import org.ppdb.gossip.SwimMessage.Ping;
import org.ppdb.gossip.SwimMessage.PingReq;

/**
 * A member that died at incarnation {@code i} and restarts under the same id, with a fresh core at
 * incarnation 0 (so possibly at {@code i} itself, where dead beats alive), must learn of its death
 * record and refute it; until it does, the record must not reach members that hold it alive. Found
 * by the simulator's peers-crash scenario (seed 25, 100 peers, 5% loss): a relay that held the
 * restarted member dead put that record first in the ack it relayed for it, and the requester, a
 * member restarted at the same moment that knew only the new life, declared it dead although it had
 * just answered; and members holding the tombstone ignored the new life's alive record at the
 * tombstone's incarnation instead of telling the member, which stayed unrefuted until a push-pull.
 */
class RestartedMemberDeathRecordTest {
  private static final MemberId REPORTER = MemberId.of("reporter");
  private static final Address REQUESTER = new Address("10.0.0.9", 7946);

  private record Sent(Address to, SwimMessage message) {}

  private static final class Capture implements Outbox {
    final List<Sent> sent = new ArrayList<>();
    final List<MembershipEvent> events = new ArrayList<>();

    @Override
    public void send(Address to, SwimMessage message) {
      sent.add(new Sent(to, message));
    }

    @Override
    public void event(MembershipEvent event) {
      events.add(event);
    }

    List<SwimMessage> to(Address address) {
      List<SwimMessage> messages = new ArrayList<>();
      for (Sent s : sent) {
        if (s.to().equals(address)) {
          messages.add(s.message());
        }
      }
      return messages;
    }
  }

  /** A core that saw {@code target} alive at incarnation 0 and then declared dead there. */
  private static Swim holderOfDeath(Member target, long seed) {
    Swim swim =
        new Swim(
            SwimConfig.ppdbDefaults(),
            Member.alive(MemberId.of("holder"), new Address("10.0.0.1", 7946)),
            new SplittableRandom(seed));
    Capture out = new Capture();
    swim.join(List.of(), 0, out);
    swim.onMessage(REQUESTER, new Gossip(List.of(target)), 1 * MS, out);
    swim.onMessage(
        REQUESTER,
        new Gossip(List.of(target.withStatus(MemberStatus.DEAD, REPORTER))),
        2 * MS,
        out);
    assertThat(swim.view().status(target.id())).as("seed=%d", seed).isEqualTo(MemberStatus.DEAD);
    // Long after the death: its broadcast has been sent as often as it ever will be (here on the
    // acks to pings), so only the tombstone remembers it, as in the simulator's run.
    Ack last = null;
    for (int i = 0; i < 50; i++) {
      out.sent.clear();
      swim.onMessage(REQUESTER, new Ping(i, swim.self().id(), List.of()), (3 + i) * MS, out);
      last = (Ack) out.to(REQUESTER).get(0);
    }
    assertThat(last.updates()).as("seed=%d: broadcasts not drained", seed).isEmpty();
    return swim;
  }

  /** A restarted core for {@code target}, joined, which refutes what it is told about itself. */
  private static Swim restarted(Member target, long seed) {
    Swim swim = new Swim(SwimConfig.ppdbDefaults(), target, new SplittableRandom(seed ^ 0x7e57));
    swim.join(List.of(), 10 * S, new Capture());
    return swim;
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {1, 2, 3})
  void relayedAckOfRestartedMemberDoesNotCarryItsDeath(long seed) {
    Member target = Member.alive(MemberId.of("target"), new Address("10.0.0.2", 7946));
    Swim relay = holderOfDeath(target, seed);
    Capture out = new Capture();
    long now = 10 * S;
    relay.onMessage(REQUESTER, new PingReq(77, target.id(), target.address(), List.of()), now, out);
    List<SwimMessage> toTarget = out.to(target.address());
    assertThat(toTarget).as("seed=%d", seed).hasSize(1).first().isInstanceOf(Ping.class);
    long relaySeq = ((Ping) toTarget.get(0)).seq();

    // The restarted target answers: it is alive, whatever the relay's record says.
    out.sent.clear();
    relay.onMessage(target.address(), new Ack(relaySeq, List.of()), now + 2 * MS, out);
    List<SwimMessage> toRequester = out.to(REQUESTER);
    assertThat(toRequester).as("seed=%d", seed).hasSize(1).first().isInstanceOf(Ack.class);
    Ack relayed = (Ack) toRequester.get(0);
    assertThat(relayed.seq()).as("seed=%d", seed).isEqualTo(77);
    assertThat(relayed.updates())
        .as("seed=%d: the relayed ack must not declare the member that answered dead", seed)
        .noneMatch(m -> m.id().equals(target.id()) && !m.status().isLive());

    // The death record goes to the target instead, which refutes it above its incarnation.
    List<SwimMessage> told = out.to(target.address());
    assertThat(told).as("seed=%d", seed).hasSize(1).first().isInstanceOf(Gossip.class);
    Swim reborn = restarted(target, seed);
    reborn.onMessage(relay.self().address(), told.get(0), now + 3 * MS, new Capture());
    assertThat(reborn.self().incarnation()).as("seed=%d", seed).isEqualTo(1);
    assertThat(reborn.self().status()).as("seed=%d", seed).isEqualTo(MemberStatus.ALIVE);
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {1, 2, 3})
  void tombstoneHolderTellsMemberRestartedAtItsDeathIncarnation(long seed) {
    Member target = Member.alive(MemberId.of("target"), new Address("10.0.0.2", 7946));
    Swim holder = holderOfDeath(target, seed);
    Capture out = new Capture();
    long now = 10 * S;
    // The new life's alive record at incarnation 0, the one the old life died at: dead wins.
    holder.onMessage(REQUESTER, new Gossip(List.of(target)), now, out);
    assertThat(holder.view().status(target.id())).as("seed=%d", seed).isEqualTo(MemberStatus.DEAD);
    List<SwimMessage> told = out.to(target.address());
    assertThat(told)
        .as("seed=%d: the member must hear of the death record it has to refute", seed)
        .hasSize(1)
        .first()
        .isInstanceOf(Gossip.class);
    Swim reborn = restarted(target, seed);
    Capture rebornOut = new Capture();
    reborn.onMessage(holder.self().address(), told.get(0), now + 2 * MS, rebornOut);
    assertThat(reborn.self().incarnation()).as("seed=%d", seed).isEqualTo(1);

    // The refutation overrides the death at the holder.
    holder.onMessage(target.address(), new Gossip(List.of(reborn.self())), now + 4 * MS, out);
    assertThat(holder.view().status(target.id())).as("seed=%d", seed).isEqualTo(MemberStatus.ALIVE);
  }
}
