package org.ppdb.simulation.dht;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.ppdb.dht.Address;
import org.ppdb.dht.DhtConfig;
import org.ppdb.dht.DhtMessage;
import org.ppdb.dht.DhtResult;
import org.ppdb.dht.Kademlia;
import org.ppdb.dht.NodeId;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Simulator;

/**
 * A simulated Kademlia network: a {@link Simulator} whose nodes are real {@link Kademlia} cores,
 * each with a random 160-bit id and an IPv4 address of its own /24 (so that the table's Sybil
 * limits, which count contacts per /24, never bind in an honest network), plus the host side of
 * operations: start a bootstrap, a lookup or a rendezvous on a node and get its result back.
 *
 * <p>Addresses: node {@code i} is {@code (10 + i/65536).(i/256 % 256).(i % 256).1:4000}, so an
 * address maps back to its node index without a table.
 *
 * <p>Simulator thread only. Memory: the cores, plus one id and one pending-callback entry per
 * running operation.
 */
public final class DhtCluster {

  /** The port every simulated DHT node listens on. */
  public static final int PORT = 4000;

  private record OperationKey(int node, long operationId) {}

  private final Simulator<DhtMessage> sim;
  private final DhtConfig config;
  private final SplittableRandom idRandom;
  private final List<NodeId> ids = new ArrayList<>();
  private final Map<OperationKey, Consumer<DhtResult>> pending = new HashMap<>();
  private final Map<OperationKey, DhtResult> early = new HashMap<>();

  /**
   * @param seed the master seed of the run
   * @param config every node's configuration
   * @param network the simulated network's behaviour
   */
  public DhtCluster(long seed, DhtConfig config, NetworkConfig network) {
    this.sim = new Simulator<>(seed, network, DhtMessages.INSTANCE);
    this.config = config;
    this.idRandom = sim.fork();
  }

  public Simulator<DhtMessage> sim() {
    return sim;
  }

  public DhtConfig config() {
    return config;
  }

  /** The address of node {@code index}. */
  public static Address address(int index) {
    if (index < 0 || index >= 1 << 22) {
      throw new IllegalArgumentException("index: " + index + " (expected: in [0, 4194304))");
    }
    return Address.ipv4(10 + (index >>> 16), (index >>> 8) & 0xff, index & 0xff, 1, PORT);
  }

  /** The node index of an address made by {@link #address(int)}. */
  public static int index(Address address) {
    if (!address.isIpv4() || address.port() != PORT) {
      throw new IllegalArgumentException("address: " + address + " (expected: a simulated node)");
    }
    int ip = (int) address.low();
    int a = (ip >>> 24) - 10;
    if (a < 0 || a >= 64 || (ip & 0xff) != 1) {
      throw new IllegalArgumentException("address: " + address + " (expected: a simulated node)");
    }
    return a << 16 | ((ip >>> 16) & 0xff) << 8 | ((ip >>> 8) & 0xff);
  }

  /** Adds a node with a fresh random id (not started). Returns its index. */
  public int addNode() {
    NodeId id = NodeId.random(idRandom);
    ids.add(id);
    return sim.addNode(
        (index, random, life) ->
            new DhtSimNode(index, new Kademlia(config, id, random), this::onResult),
        new NodeClock(0, 0));
  }

  public int size() {
    return ids.size();
  }

  public NodeId id(int node) {
    return ids.get(node);
  }

  /** Starts a node now (it knows nobody until it bootstraps). */
  public void start(int node) {
    sim.apply(new Fault.Start(node));
  }

  /** The node's core, or null when it is not running. */
  public Kademlia core(int node) {
    DhtSimNode n = (DhtSimNode) sim.node(node);
    return n == null ? null : n.core();
  }

  /** Bootstraps {@code node} from {@code seedNode}'s address; false when the node is not up. */
  public boolean bootstrap(int node, int seedNode, Consumer<DhtResult> done) {
    return operation(
        node, (core, now, out) -> core.bootstrap(List.of(address(seedNode)), now, out), done);
  }

  /** Looks {@code target} up from {@code node}; false when the node is not up. */
  public boolean lookup(int node, NodeId target, Consumer<DhtResult> done) {
    return operation(node, (core, now, out) -> core.lookup(target, now, out), done);
  }

  /** Runs a cluster rendezvous from {@code node}; false when the node is not up. */
  public boolean rendezvous(int node, String cluster, byte[] metadata, Consumer<DhtResult> done) {
    return operation(node, (core, now, out) -> core.rendezvous(cluster, metadata, now, out), done);
  }

  @FunctionalInterface
  private interface Start {
    long start(Kademlia core, long nowNanos, org.ppdb.dht.Outbox out);
  }

  private boolean operation(int node, Start start, Consumer<DhtResult> done) {
    long[] id = {-1};
    boolean ran =
        sim.call(
            node,
            (n, local, out) -> {
              DhtSimNode dht = (DhtSimNode) n;
              id[0] = start.start(dht.core(), local, dht.bind(out));
            });
    if (!ran) {
      return false;
    }
    OperationKey key = new OperationKey(node, id[0]);
    DhtResult already = early.remove(key);
    if (already != null) {
      done.accept(already); // completed (or refused) during the call itself
    } else {
      pending.put(key, done);
    }
    return true;
  }

  private void onResult(int node, DhtResult result) {
    OperationKey key = new OperationKey(node, result.operationId());
    Consumer<DhtResult> done = pending.remove(key);
    if (done != null) {
      done.accept(result);
    } else {
      early.put(key, result);
    }
  }

  /** Operations started and not yet completed. */
  public int operationsPending() {
    return pending.size();
  }

  /** Crashed or restarted nodes lose their operations: forget the callbacks of {@code node}. */
  public void forgetOperations(int node) {
    pending.keySet().removeIf(k -> k.node() == node);
  }
}
