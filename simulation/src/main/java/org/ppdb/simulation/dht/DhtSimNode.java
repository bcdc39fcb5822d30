package org.ppdb.simulation.dht;

import org.ppdb.dht.Address;
import org.ppdb.dht.DhtMessage;
import org.ppdb.dht.DhtResult;
import org.ppdb.dht.Kademlia;
import org.ppdb.simulation.SimNode;

/**
 * The adapter that runs one real {@link Kademlia} core as a simulated node: it translates the
 * simulator's node indexes to DHT addresses ({@link DhtCluster#address(int)}) and back, passes
 * messages and ticks through unchanged, schedules the next tick at the core's own {@link
 * Kademlia#nextDeadlineNanos()}, and hands completed operations to the cluster.
 *
 * <p>Simulator thread only. Costs nothing beyond the core and two references.
 */
public final class DhtSimNode implements SimNode<DhtMessage>, org.ppdb.dht.Outbox {

  /** Receives the results of operations the host started on a node. */
  @FunctionalInterface
  public interface ResultListener {
    void onResult(int node, DhtResult result);
  }

  private final int index;
  private final Kademlia core;
  private final ResultListener listener;
  private SimNode.Outbox<DhtMessage> out;

  DhtSimNode(int index, Kademlia core, ResultListener listener) {
    this.index = index;
    this.core = core;
    this.listener = listener;
  }

  /** The real protocol core. */
  public Kademlia core() {
    return core;
  }

  /** Binds the simulator's outbox for a host call; the core's sends go there. */
  public org.ppdb.dht.Outbox bind(SimNode.Outbox<DhtMessage> out) {
    this.out = out;
    return this;
  }

  @Override
  public void onStart(long localNanos, SimNode.Outbox<DhtMessage> out) {
    // A node joins the DHT when the workload calls bootstrap; nothing runs before that.
  }

  @Override
  public void onMessage(
      int from, DhtMessage message, long localNanos, SimNode.Outbox<DhtMessage> out) {
    this.out = out;
    core.onMessage(DhtCluster.address(from), message, localNanos, this);
  }

  @Override
  public void onTick(long localNanos, SimNode.Outbox<DhtMessage> out) {
    this.out = out;
    core.onTick(localNanos, this);
  }

  @Override
  public long nextTickLocalNanos() {
    return core.nextDeadlineNanos();
  }

  @Override
  public void send(Address to, DhtMessage message) {
    out.send(DhtCluster.index(to), message);
  }

  @Override
  public void complete(DhtResult result) {
    listener.onResult(index, result);
  }
}
