package org.ppdb.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A tiny deterministic driver for many {@link Swim} cores in one thread and virtual time: a
 * priority queue of message deliveries and ticks, a seeded network with loss and latency, crashes
 * and starvation. The simulator module is the real tool; this one exists so the core's own tests
 * can run clusters without depending on it.
 */
final class TestCluster {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  final class Node implements Outbox {
    final int index;
    final Address address;
    final MemberId id;
    final Swim swim;
    boolean crashed;
    long starvedUntil;
    long scheduledTick = Swim.NEVER;
    final List<MembershipEvent> events = new ArrayList<>();
    boolean recordEvents = true;

    Node(int index, Swim swim) {
      this.index = index;
      this.swim = swim;
      this.address = swim.self().address();
      this.id = swim.self().id();
    }

    @Override
    public void send(Address to, SwimMessage message) {
      messagesSent++;
      int size = message.encodedSizeBytes();
      bytesSent += size;
      bytesByType.merge(message.getClass().getSimpleName(), (long) size, Long::sum);
      if (!(message instanceof SwimMessage.PushPull)) {
        if (size > config.packetBytesMax()) {
          throw new IllegalStateException("packet over budget: " + size + " " + message);
        }
      }
      Node target = byAddress.get(to);
      if (target == null || (lossRate > 0 && netRandom.nextDouble() < lossRate)) {
        return;
      }
      if (blocked != null && blocked.test(this, target)) {
        return;
      }
      long latency = latencyMinNanos + netRandom.nextLong(latencyMaxNanos - latencyMinNanos + 1);
      schedule(now + latency, new Delivery(this, target, message));
    }

    @Override
    public void event(MembershipEvent event) {
      if (recordEvents) {
        events.add(event);
      }
      if (eventListener != null) {
        eventListener.accept(new NodeEvent(this, event, now));
      }
    }

    void reschedule() {
      if (crashed) {
        return;
      }
      long d = Math.max(Math.max(swim.nextDeadlineNanos(), starvedUntil), now);
      if (d < scheduledTick) {
        scheduledTick = d;
        schedule(d, new Tick(this, d));
      }
    }
  }

  record NodeEvent(Node node, MembershipEvent event, long nanos) {}

  private interface Action {}

  private record Delivery(Node from, Node to, SwimMessage message) implements Action {}

  private record Tick(Node node, long at) implements Action {}

  private record Scheduled(long at, long seq, Action action) {}

  interface Blocker {
    boolean test(Node from, Node to);
  }

  final SwimConfig config;
  final SplittableRandom random;
  final SplittableRandom netRandom;
  final List<Node> nodes = new ArrayList<>();
  final HashMap<Address, Node> byAddress = new HashMap<>();
  private final PriorityQueue<Scheduled> queue =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long seq;
  long now;
  double lossRate;
  long latencyMinNanos = 1 * MS;
  long latencyMaxNanos = 5 * MS;
  Blocker blocked;
  Consumer<NodeEvent> eventListener;
  long messagesSent;
  final java.util.TreeMap<String, Long> bytesByType = new java.util.TreeMap<>();
  long eventsProcessed;
  long bytesSent;

  TestCluster(SwimConfig config, long seed) {
    this.config = config;
    this.random = new SplittableRandom(seed);
    this.netRandom = random.split();
  }

  Node add() {
    int i = nodes.size();
    MemberId id = MemberId.of(String.format("n%05d", i));
    Address address = new Address("10.0." + (i / 250) + "." + (i % 250 + 1), 7946);
    Node node = new Node(i, new Swim(config, Member.alive(id, address), random.split()));
    nodes.add(node);
    byAddress.put(address, node);
    return node;
  }

  /** A fresh core with the id and address of {@code old}, which stays crashed and unreachable. */
  Node replace(Node old) {
    old.crashed = true;
    Node node =
        new Node(old.index, new Swim(config, Member.alive(old.id, old.address), random.split()));
    nodes.set(old.index, node);
    byAddress.put(old.address, node);
    return node;
  }

  void join(Node node, Node... seeds) {
    List<Address> addresses = new ArrayList<>();
    for (Node s : seeds) {
      addresses.add(s.address);
    }
    node.swim.join(addresses, now, node);
    node.reschedule();
  }

  void crash(Node node) {
    node.crashed = true;
  }

  /** The node processes nothing (ticks nor messages) until {@code untilNanos}. */
  void starve(Node node, long untilNanos) {
    node.starvedUntil = Math.max(node.starvedUntil, untilNanos);
  }

  private void schedule(long at, Action action) {
    queue.add(new Scheduled(at, seq++, action));
  }

  /** Runs every event up to and including {@code untilNanos}; the clock then reads untilNanos. */
  void runUntil(long untilNanos) {
    Scheduled next;
    while ((next = queue.peek()) != null && next.at <= untilNanos) {
      queue.poll();
      now = next.at;
      eventsProcessed++;
      if (next.action instanceof Delivery d) {
        Node to = d.to;
        if (to.crashed) {
          continue;
        }
        if (to.starvedUntil > now) {
          // A starved node handles its inbox when it runs again, in arrival order.
          schedule(to.starvedUntil, d);
          continue;
        }
        to.swim.onMessage(d.from.address, d.message, now, to);
        to.reschedule();
      } else if (next.action instanceof Tick t) {
        Node node = t.node;
        if (node.crashed || t.at != node.scheduledTick) {
          continue;
        }
        node.scheduledTick = Swim.NEVER;
        if (node.starvedUntil > now) {
          node.reschedule();
          continue;
        }
        node.swim.onTick(now, node);
        node.reschedule();
      }
    }
    now = Math.max(now, untilNanos);
  }

  void runFor(long nanos) {
    runUntil(now + nanos);
    if (nodes.size() <= 100) {
      for (Node n : nodes) {
        n.swim.checkInvariants();
      }
    }
  }

  /**
   * True if every live node sees exactly the live nodes as alive and every crashed one as not live.
   */
  boolean converged() {
    for (Node observer : nodes) {
      if (observer.crashed) {
        continue;
      }
      for (Node other : nodes) {
        MemberStatus s = observer.swim.view().status(other.id);
        if (other.crashed ? (s != null && s.isLive()) : s != MemberStatus.ALIVE) {
          return false;
        }
      }
    }
    return true;
  }

  String describeDisagreement() {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (Node observer : nodes) {
      if (observer.crashed) {
        continue;
      }
      for (Node other : nodes) {
        MemberStatus s = observer.swim.view().status(other.id);
        if (other.crashed ? (s != null && s.isLive()) : s != MemberStatus.ALIVE) {
          if (shown++ < 10) {
            sb.append(observer.id)
                .append(" sees ")
                .append(other.id)
                .append(' ')
                .append(s)
                .append("; ");
          }
        }
      }
    }
    return sb.toString();
  }
}
