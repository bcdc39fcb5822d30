package org.ppdb.simulation.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ppdb.gossip.Address;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.Swim;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Simulator;

/**
 * A simulated SWIM cluster: a {@link Simulator} whose nodes are real {@link Swim} cores. Member
 * {@code i} has a 32-byte id (the size of the public-key hash ppdb uses) and the advertised address
 * {@code n<i>:7946}; each life of a member joins through up to three seeds drawn among the members
 * running at that moment (the founder when it is up, so a cluster never splits at birth).
 *
 * <p>Simulator thread only. Memory: the cores plus one id and one address per member.
 */
public final class GossipCluster {

  /** The port every simulated member advertises. */
  public static final int PORT = 7946;

  /** Seeds given to a joining member. */
  public static final int SEEDS_PER_JOIN = 3;

  private final Simulator<SwimMessage> sim;
  private final SwimConfig config;
  private final SplittableRandom seedRandom;
  private final SplittableRandom idRandom;
  private final List<MemberId> ids = new ArrayList<>();
  private final List<Address> addresses = new ArrayList<>();
  private final Map<MemberId, Integer> indexes = new HashMap<>();
  private final GossipSimNode.EventSink sink;

  public GossipCluster(
      long seed, SwimConfig config, NetworkConfig network, GossipSimNode.EventSink sink) {
    this.sim = new Simulator<>(seed, network, GossipMessages.INSTANCE);
    this.config = config;
    this.sink = sink;
    this.seedRandom = sim.fork();
    this.idRandom = sim.fork();
  }

  public Simulator<SwimMessage> sim() {
    return sim;
  }

  public SwimConfig config() {
    return config;
  }

  /** The advertised address of member {@code index}: {@code n<index>:7946}. */
  public static Address address(int index) {
    return new Address("n" + index, PORT);
  }

  /** The same as {@link #address(int)}, from a table: one instance per member, no allocation. */
  Address cachedAddress(int index) {
    return addresses.get(index);
  }

  /** The member index of an address made by {@link #address(int)}. */
  public static int index(Address address) {
    String host = address.host();
    if (host.length() < 2 || host.charAt(0) != 'n' || address.port() != PORT) {
      throw new IllegalArgumentException("address: " + address + " (expected: a simulated member)");
    }
    return Integer.parseInt(host, 1, host.length(), 10);
  }

  /** Adds a member (not started) with clock {@code clock}; returns its index. */
  public int addMember(NodeClock clock) {
    byte[] bytes = new byte[32];
    idRandom.nextBytes(bytes);
    int index = ids.size();
    bytes[0] = (byte) (index >>> 24);
    bytes[1] = (byte) (index >>> 16);
    bytes[2] = (byte) (index >>> 8);
    bytes[3] = (byte) index;
    MemberId id = MemberId.of(bytes);
    Address address = address(index);
    ids.add(id);
    addresses.add(address);
    indexes.put(id, index);
    return sim.addNode(
        (i, random, life) ->
            new GossipSimNode(
                i,
                new Swim(
                    config,
                    new Member(id, List.of(address), 0, MemberStatus.ALIVE, 0, null, null),
                    random),
                seedsFor(i),
                this,
                sink),
        clock);
  }

  public int size() {
    return ids.size();
  }

  public MemberId id(int member) {
    return ids.get(member);
  }

  /** The index of a member id, or -1 when it is not one of this cluster's. */
  public int indexOf(MemberId id) {
    Integer i = indexes.get(id);
    return i == null ? -1 : i;
  }

  /** The member's core, or null when it is not running. */
  public Swim swim(int member) {
    GossipSimNode node = (GossipSimNode) sim.node(member);
    return node == null ? null : node.swim();
  }

  private List<Address> seedsFor(int joiner) {
    List<Integer> running = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (i != joiner && sim.state(i).alive()) {
        running.add(i);
      }
    }
    List<Address> seeds = new ArrayList<>(SEEDS_PER_JOIN);
    if (joiner != 0 && sim.state(0).alive()) {
      seeds.add(addresses.get(0));
      running.remove(Integer.valueOf(0));
    }
    while (seeds.size() < SEEDS_PER_JOIN && !running.isEmpty()) {
      seeds.add(addresses.get(running.remove(seedRandom.nextInt(running.size()))));
    }
    return seeds;
  }
}
