package org.ppdb.simulation;

/**
 * One simulated node as the simulator drives it: real protocol code behind an adapter that maps the
 * simulator's node indexes to the protocol's identities and its outputs to {@link Outbox} sends.
 * The simulator calls it only on its own thread, one call at a time, with the node's local clock
 * reading; the node must not read any other clock or randomness than what its factory gave it.
 *
 * @param <M> the message type carried by the simulated network
 */
public interface SimNode<M> {

  /** The node starts (first start, join or restart after a crash). */
  void onStart(long localNanos, Outbox<M> out);

  /** A message from node {@code from} arrived. */
  void onMessage(int from, M message, long localNanos, Outbox<M> out);

  /** A timer is due: the local time reached {@link #nextTickLocalNanos()} (or later). */
  void onTick(long localNanos, Outbox<M> out);

  /**
   * The local time of this node's next timer, asked after every call; {@link Long#MAX_VALUE} when
   * only a message can give it work.
   */
  long nextTickLocalNanos();

  /** The node was asked to leave gracefully; it keeps running until the simulator stops it. */
  default void onLeave(long localNanos, Outbox<M> out) {}

  /** Where a node's outputs go; the simulator routes them through the simulated network. */
  interface Outbox<M> {
    /** Sends {@code message} to node index {@code to}. */
    void send(int to, M message);
  }

  /**
   * A host-side call into a running node: a client request or an operation start (a lookup, a
   * join). The simulator runs it on its thread with the node's clock and outbox, like a message.
   */
  @FunctionalInterface
  interface Call<M> {
    void apply(SimNode<M> node, long localNanos, Outbox<M> out);
  }

  /** Builds a node's protocol state; called at first start and again at every restart. */
  @FunctionalInterface
  interface Factory<M> {
    /**
     * @param index the node's simulator index
     * @param random a stream forked for this node and this life of it
     * @param life 0 at first start, incremented by each restart
     */
    SimNode<M> create(int index, java.util.SplittableRandom random, int life);
  }

  /** What the simulator needs to know of a message: its size on the wire and a stable digest. */
  interface MessageTraits<M> {
    /** The encoded size in bytes, as the protocol's codec would put it on the wire. */
    int sizeBytes(M message);

    /**
     * A digest of the message's type and content that is the same in every run: never an identity
     * hash code.
     */
    long digest(M message);
  }
}
