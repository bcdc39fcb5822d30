package org.ppdb.simulation.gossip;

import java.util.List;
import org.ppdb.gossip.Address;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.gossip.Swim;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.simulation.SimNode;

/**
 * The adapter that runs one real {@link Swim} core as a simulated member: it joins through the
 * seeds chosen for this life when the simulator starts it, translates node indexes to advertised
 * addresses and back ({@link GossipCluster#address(int)}), schedules ticks at the core's own {@link
 * Swim#nextDeadlineNanos()}, and passes membership events to the cluster's monitor.
 *
 * <p>Simulator thread only.
 */
public final class GossipSimNode implements SimNode<SwimMessage>, org.ppdb.gossip.Outbox {

  /** Receives the membership events a member's core reports. */
  @FunctionalInterface
  public interface EventSink {
    void onEvent(int observer, MembershipEvent event);
  }

  private final int index;
  private final Swim swim;
  private final List<Address> seeds;
  private final GossipCluster cluster;
  private final EventSink sink;
  private SimNode.Outbox<SwimMessage> out;

  GossipSimNode(int index, Swim swim, List<Address> seeds, GossipCluster cluster, EventSink sink) {
    this.index = index;
    this.swim = swim;
    this.seeds = seeds;
    this.cluster = cluster;
    this.sink = sink;
  }

  /** The real protocol core. */
  public Swim swim() {
    return swim;
  }

  @Override
  public void onStart(long localNanos, SimNode.Outbox<SwimMessage> out) {
    this.out = out;
    swim.join(seeds, localNanos, this);
  }

  @Override
  public void onMessage(
      int from, SwimMessage message, long localNanos, SimNode.Outbox<SwimMessage> out) {
    this.out = out;
    swim.onMessage(cluster.cachedAddress(from), message, localNanos, this);
  }

  @Override
  public void onTick(long localNanos, SimNode.Outbox<SwimMessage> out) {
    this.out = out;
    swim.onTick(localNanos, this);
  }

  @Override
  public long nextTickLocalNanos() {
    long next = swim.nextDeadlineNanos();
    return next == Swim.NEVER ? Long.MAX_VALUE : next;
  }

  @Override
  public void onLeave(long localNanos, SimNode.Outbox<SwimMessage> out) {
    this.out = out;
    swim.leave(localNanos, this);
  }

  @Override
  public void send(Address to, SwimMessage message) {
    out.send(GossipCluster.index(to), message);
  }

  @Override
  public void event(MembershipEvent event) {
    sink.onEvent(index, event);
  }
}
