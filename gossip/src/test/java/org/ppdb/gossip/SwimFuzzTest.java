package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feeds one core random messages from known and unknown senders: records of any status and
 * incarnation, duplicates, replays of earlier messages in random order, acks and nacks of any
 * sequence number, push-pulls of random views. The core must never throw, must keep its invariants
 * and bounds, and its own incarnation must never decrease.
 */
class SwimFuzzTest {
  private static final int IDS = 40;

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomAndStaleInputNeverBreaksTheCore(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    SwimConfig config =
        SwimConfig.ppdbDefaults().toBuilder()
            .membersMax(24)
            .broadcastQueueMax(16)
            .relaysMax(4)
            .build();
    MemberId selfId = MemberId.of("m0");
    Swim swim = new Swim(config, Member.alive(selfId, address(0)), r.split());
    List<SwimMessage> sent = new ArrayList<>();
    List<SwimMessage> history = new ArrayList<>();
    Outbox out =
        new Outbox() {
          @Override
          public void send(Address to, SwimMessage message) {
            sent.add(message);
          }

          @Override
          public void event(MembershipEvent event) {
            assertThat(event.member().id())
                .as("seed=%d: events are about others", seed)
                .isNotEqualTo(selfId);
          }
        };
    long now = 0;
    swim.join(List.of(address(1)), now, out);
    long incarnation = swim.self().incarnation();
    for (int step = 0; step < 20_000; step++) {
      now += r.nextLong(50_000_000L);
      SwimMessage m;
      if (!history.isEmpty() && r.nextInt(5) == 0) {
        m = history.get(r.nextInt(history.size())); // a duplicate or a reordered replay
      } else {
        m = randomMessage(r, swim);
        if (history.size() < 500) {
          history.add(m);
        } else {
          history.set(r.nextInt(history.size()), m);
        }
      }
      int from = r.nextInt(IDS + 5); // a few senders no one knows
      if (r.nextInt(3) == 0) {
        swim.onTick(now, out);
      } else {
        swim.onMessage(address(from), m, now, out);
      }
      assertThat(swim.self().incarnation())
          .as("seed=%d step=%d: own incarnation", seed, step)
          .isGreaterThanOrEqualTo(incarnation);
      incarnation = swim.self().incarnation();
      assertThat(swim.nextDeadlineNanos())
          .as("seed=%d step=%d", seed, step)
          .isGreaterThanOrEqualTo(0);
      if (step % 100 == 0) {
        swim.checkInvariants();
      }
      for (SwimMessage s : sent) {
        if (!(s instanceof SwimMessage.PushPull)) {
          assertThat(s.encodedSizeBytes())
              .as("seed=%d step=%d: packet budget", seed, step)
              .isLessThanOrEqualTo(config.packetBytesMax());
        }
      }
      sent.clear();
    }
    swim.checkInvariants();
    assertThat(swim.self().status()).as("seed=%d", seed).isEqualTo(MemberStatus.ALIVE);
    // The run must have reached the interesting places: a full table, refutations, drops.
    assertThat(swim.view().size()).as("seed=%d", seed).isEqualTo(config.membersMax());
    assertThat(swim.droppedMembers()).as("seed=%d", seed).isPositive();
    assertThat(swim.droppedMessages()).as("seed=%d", seed).isPositive();
    assertThat(incarnation).as("seed=%d", seed).isPositive();
  }

  private static Address address(int i) {
    return new Address("10.1.0." + i, 7946);
  }

  private static Member randomRecord(SplittableRandom r, Swim swim) {
    int i = r.nextInt(IDS);
    MemberStatus status = MemberStatus.values()[r.nextInt(4)];
    long incarnation =
        i == 0 ? Math.max(0, swim.self().incarnation() + r.nextInt(3) - 1) : r.nextInt(6);
    byte[] meta = r.nextInt(4) == 0 ? new byte[r.nextInt(64)] : null;
    MemberId reporter = MemberId.of("m" + r.nextInt(IDS));
    return new Member(
        MemberId.of("m" + i),
        List.of(address(i)),
        incarnation,
        status,
        r.nextInt(3),
        meta,
        reporter);
  }

  private static List<Member> randomRecords(SplittableRandom r, Swim swim, int max) {
    int n = r.nextInt(max + 1);
    List<Member> list = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      list.add(randomRecord(r, swim));
    }
    return list;
  }

  private static SwimMessage randomMessage(SplittableRandom r, Swim swim) {
    long seq = r.nextInt(40);
    MemberId target = MemberId.of("m" + r.nextInt(IDS));
    return switch (r.nextInt(7)) {
      case 0 ->
          new SwimMessage.Ping(
              seq, r.nextBoolean() ? swim.self().id() : target, randomRecords(r, swim, 4));
      case 1 ->
          new SwimMessage.PingReq(seq, target, address(r.nextInt(IDS)), randomRecords(r, swim, 4));
      case 2 -> new SwimMessage.Ack(seq, randomRecords(r, swim, 4));
      case 3 -> new SwimMessage.Nack(seq);
      case 4 ->
          new SwimMessage.PushPull(r.nextBoolean(), r.nextBoolean(), randomRecords(r, swim, 60));
      default -> new SwimMessage.Gossip(randomRecords(r, swim, 8));
    };
  }
}
