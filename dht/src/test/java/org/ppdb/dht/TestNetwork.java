package org.ppdb.dht;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A tiny deterministic driver for tests: {@link Kademlia} nodes exchanging messages in virtual
 * time. Events are ordered by (time, sequence); latency per message is drawn from a seeded stream;
 * failed nodes drop everything silently. A node is ticked only at its {@link
 * Kademlia#nextDeadlineNanos()}, as a host that skips idle ticks would.
 */
final class TestNetwork {

  static final long MS = 1_000_000L;

  /** One simulated node. */
  static final class Node {
    final String name;
    final Kademlia dht;
    final Address address;
    boolean failed;
    boolean adversarial;
    long scheduledTickNanos = Long.MAX_VALUE;
    final Map<Long, DhtResult> results = new HashMap<>();
    final Outbox outbox;

    Node(String name, Kademlia dht, Address address, TestNetwork net) {
      this.name = name;
      this.dht = dht;
      this.address = address;
      this.outbox =
          new Outbox() {
            @Override
            public void send(Address to, DhtMessage message) {
              net.schedule(Node.this, to, message);
            }

            @Override
            public void complete(DhtResult result) {
              results.put(result.operationId(), result);
              if (net.tracer != null) {
                net.tracer.accept(fmtTime(net.now) + " " + name + " done " + net.describe(result));
              }
            }
          };
    }

    NodeId id() {
      return dht.id();
    }
  }

  private record Event(long time, long seq, Node target, Address from, DhtMessage message) {}

  private final PriorityQueue<Event> events =
      new PriorityQueue<>(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
  private final SplittableRandom random;
  private final long latencyMinNanos;
  private final long latencyMaxNanos;
  final Map<Address, Node> byAddress = new HashMap<>();
  final List<Node> nodes = new ArrayList<>();
  long now;
  private long seq;
  long delivered;
  Consumer<String> tracer;

  TestNetwork(long seed, long latencyMinNanos, long latencyMaxNanos) {
    this.random = new SplittableRandom(seed);
    this.latencyMinNanos = latencyMinNanos;
    this.latencyMaxNanos = latencyMaxNanos;
  }

  /** A fork of the network's random stream, for a node or for the test's own choices. */
  SplittableRandom fork() {
    return random.split();
  }

  Node add(String name, DhtConfig config, NodeId id, Address address) {
    Node n = new Node(name, new Kademlia(config, id, random.split()), address, this);
    if (byAddress.putIfAbsent(address, n) != null) {
      throw new IllegalArgumentException("address in use: " + address);
    }
    nodes.add(n);
    return n;
  }

  /** A distinct /24 per node index, so subnet limits do not bind in large tests. */
  static Address addressOf(int index) {
    return Address.ipv4((10 << 24) | ((index + 1) << 8) | 1, 4000);
  }

  void schedule(Node from, Address to, DhtMessage message) {
    Node target = byAddress.get(to);
    long latency =
        latencyMaxNanos == latencyMinNanos
            ? latencyMinNanos
            : random.nextLong(latencyMinNanos, latencyMaxNanos + 1);
    if (tracer != null) {
      String dest = target == null ? to.toString() : target.name;
      tracer.accept(
          fmtTime(now)
              + " "
              + from.name
              + " -> "
              + dest
              + " "
              + describe(message)
              + (target == null || target.failed ? " (lost)" : ""));
    }
    if (target == null || target.failed) {
      return;
    }
    events.add(new Event(now + latency, seq++, target, from.address, message));
  }

  /** Calls into a node and (re)schedules its tick. */
  void call(Node node, Consumer<Node> action) {
    action.accept(node);
    reschedule(node);
  }

  private void reschedule(Node node) {
    long d = node.dht.nextDeadlineNanos();
    if (d < node.scheduledTickNanos) {
      node.scheduledTickNanos = d;
      events.add(new Event(Math.max(d, now), seq++, node, null, null));
    }
  }

  /** Processes one event; false if there is none. */
  boolean step() {
    Event e = events.poll();
    if (e == null) {
      return false;
    }
    now = Math.max(now, e.time);
    Node n = e.target;
    if (n.failed) {
      return true;
    }
    if (n.adversarial && e.message != null) {
      answerAsAdversary(n, e.from, e.message);
      return true;
    }
    if (e.message == null) {
      if (e.time != n.scheduledTickNanos) {
        return true;
      }
      n.scheduledTickNanos = Long.MAX_VALUE;
      n.dht.onTick(now, n.outbox);
    } else {
      delivered++;
      n.dht.onMessage(e.from, e.message, now, n.outbox);
    }
    reschedule(n);
    return true;
  }

  /**
   * An eclipse attacker (S/Kademlia's adversary model): answers every request, but names only other
   * adversaries, the ones closest to the target, so a lookup that trusts it never leaves the
   * adversarial set.
   */
  private void answerAsAdversary(Node n, Address from, DhtMessage m) {
    Node requester = byAddress.get(from);
    if (requester == null) {
      return;
    }
    NodeId target =
        m instanceof DhtMessage.FindNode f
            ? f.target()
            : m instanceof DhtMessage.FindValue v ? v.key() : null;
    DhtMessage answer;
    if (m instanceof DhtMessage.Ping) {
      answer = new DhtMessage.Pong(m.rpcId(), n.id());
    } else if (target != null) {
      List<Node> bad = new ArrayList<>();
      for (Node x : nodes) {
        if (x.adversarial && x != n) {
          bad.add(x);
        }
      }
      bad.sort((a, b) -> NodeId.compareDistance(target, a.id(), b.id()));
      List<Contact> contacts = new ArrayList<>();
      for (int i = 0; i < Math.min(n.dht.config().bucketSize(), bad.size()); i++) {
        contacts.add(new Contact(bad.get(i).id(), bad.get(i).address));
      }
      answer =
          m instanceof DhtMessage.FindNode
              ? new DhtMessage.Nodes(m.rpcId(), n.id(), contacts)
              : new DhtMessage.Values(m.rpcId(), n.id(), List.of(), contacts);
    } else {
      return;
    }
    schedule(n, from, answer);
  }

  /** Runs until {@code done} holds, or no event is left before {@code deadlineNanos}. */
  boolean runUntil(BooleanSupplier done, long deadlineNanos) {
    while (!done.getAsBoolean()) {
      Event head = events.peek();
      if (head == null || head.time > deadlineNanos) {
        return false;
      }
      step();
    }
    return true;
  }

  /** Runs every event up to {@code nowNanos + quietNanos}, moving the window as time passes. */
  void settle(long quietNanos) {
    while (true) {
      Event head = events.peek();
      if (head == null || head.time > now + quietNanos) {
        return;
      }
      step();
    }
  }

  /** Runs every event up to {@code untilNanos}, then sets the clock there. */
  void runTo(long untilNanos) {
    while (true) {
      Event head = events.peek();
      if (head == null || head.time > untilNanos) {
        break;
      }
      step();
    }
    now = Math.max(now, untilNanos);
  }

  /** Starts an operation on {@code node} and runs until it completes; returns its result. */
  DhtResult await(Node node, java.util.function.ToLongFunction<Node> start) {
    long[] op = new long[1];
    call(node, n -> op[0] = start.applyAsLong(n));
    long giveUp = now + 3_600_000 * MS;
    runUntil(() -> node.results.containsKey(op[0]), giveUp);
    DhtResult r = node.results.remove(op[0]);
    if (r == null) {
      throw new AssertionError("operation " + op[0] + " of " + node.name + " never completed");
    }
    return r;
  }

  /** The {@code k} live nodes closest to {@code target} by brute force, closest first. */
  List<NodeId> bruteForceClosest(NodeId target, int k, NodeId exclude) {
    List<NodeId> ids = new ArrayList<>();
    for (Node n : nodes) {
      if (!n.failed && !n.id().equals(exclude)) {
        ids.add(n.id());
      }
    }
    ids.sort((a, b) -> NodeId.compareDistance(target, a, b));
    return ids.subList(0, Math.min(k, ids.size()));
  }

  String nameOf(NodeId id) {
    for (Node n : nodes) {
      if (n.id().equals(id)) {
        return n.name;
      }
    }
    return id.toShortString();
  }

  String names(List<Contact> contacts) {
    List<String> out = new ArrayList<>();
    for (Contact c : contacts) {
      out.add(nameOf(c.id()));
    }
    return String.join(",", out);
  }

  static String fmtTime(long nanos) {
    return String.format("t=%dms", nanos / MS);
  }

  String describe(DhtResult r) {
    LookupStats s = r.stats();
    String tail =
        String.format(
            " rounds=%d requests=%d responses=%d timeouts=%d",
            s.rounds(), s.requests(), s.responses(), s.timeouts());
    String head;
    if (r instanceof DhtResult.LookupResult l) {
      head =
          "lookup("
              + l.target().toShortString()
              + ") "
              + r.status()
              + " ["
              + names(l.closest())
              + "]";
    } else if (r instanceof DhtResult.BootstrapResult b) {
      head =
          "bootstrap "
              + r.status()
              + " seeds="
              + b.seedsAnswered()
              + " table="
              + b.routingTableSize()
              + " ["
              + names(b.closest())
              + "]";
    } else if (r instanceof DhtResult.FindValueResult f) {
      head =
          "find-value("
              + f.key().toShortString()
              + ") "
              + r.status()
              + " records="
              + records(f.records())
              + " ["
              + names(f.closest())
              + "]";
    } else if (r instanceof DhtResult.StoreResult st) {
      head =
          "store("
              + st.key().toShortString()
              + ","
              + st.kind()
              + ") "
              + r.status()
              + " stored="
              + st.storedCount()
              + " ["
              + names(st.closest())
              + "]";
    } else if (r instanceof DhtResult.RendezvousResult rv) {
      head =
          "rendezvous("
              + rv.clusterName()
              + ") "
              + r.status()
              + " providers="
              + records(rv.providers())
              + " stored="
              + rv.storedCount();
    } else {
      head = r.toString();
    }
    return head + tail;
  }

  String records(List<DhtRecord> records) {
    List<String> out = new ArrayList<>();
    for (DhtRecord r : records) {
      out.add(
          nameOf(r.publisher().id())
              + ":"
              + new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return "{" + String.join(",", out) + "}";
  }

  String describe(DhtMessage m) {
    if (m instanceof DhtMessage.Ping) {
      return "Ping";
    } else if (m instanceof DhtMessage.Pong) {
      return "Pong";
    } else if (m instanceof DhtMessage.FindNode f) {
      return "FindNode(" + f.target().toShortString() + ")";
    } else if (m instanceof DhtMessage.Nodes n) {
      return "Nodes[" + names(n.contacts()) + "]";
    } else if (m instanceof DhtMessage.FindValue f) {
      return "FindValue(" + f.key().toShortString() + ")";
    } else if (m instanceof DhtMessage.Values v) {
      List<String> recs = new ArrayList<>();
      for (DhtRecord r : v.records()) {
        recs.add(r.kind() + ":" + nameOf(r.publisher().id()));
      }
      return "Values{" + String.join(",", recs) + "}[" + names(v.contacts()) + "]";
    } else if (m instanceof DhtMessage.Store s) {
      return "Store(" + s.key().toShortString() + "," + s.kind() + "," + s.value().length + "B)";
    } else if (m instanceof DhtMessage.StoreAck a) {
      return "StoreAck(" + a.stored() + ")";
    }
    return m.toString();
  }
}
