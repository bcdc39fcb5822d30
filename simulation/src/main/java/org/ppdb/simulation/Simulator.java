package org.ppdb.simulation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The deterministic discrete-event simulator: one thread, virtual time, a cluster of {@link
 * SimNode}s running real protocol code over a simulated {@link Network}, with node and network
 * faults applied at points of virtual time.
 *
 * <h2>How it works</h2>
 *
 * Every happening is an event in an {@link EventQueue} ordered by (virtual time, sequence): a
 * message arriving at a node, a node's timer, a pause ending, a starvation slice, a fault, a
 * workload or checker action. {@link #runUntil(long)} pops events in order and advances virtual
 * time to each; nothing else moves time, so a simulated hour costs only the work done in it. This
 * is the design of FoundationDB's simulator [1] and TigerBeetle's VOPR [2]: with one master seed
 * from which every random stream is forked per component ({@link SplittableRandom#split()}), the
 * whole run is a function of the seed, and a {@link TraceHash} fed by every delivered message,
 * timer and fault proves it: run twice, compare the hashes.
 *
 * <h2>Nodes</h2>
 *
 * A node is a slot with a life cycle: not started, up, paused (a stop-the-world pause: messages
 * queue in a bounded inbox, timers wait), starved (the node runs only once per slice, so its timers
 * and message handling run late: the Lifeguard scenario [3]), leaving, crashed (state lost; a
 * restart builds fresh state from the node's factory) or stopped. Each node reads its own {@link
 * NodeClock} with skew, drift and jumps; its timers are asked for with {@link
 * SimNode#nextTickLocalNanos()} after every call and converted to global time.
 *
 * <h2>Cost</h2>
 *
 * One heap operation per event plus what the node code does; ticks that a node re-plans earlier
 * leave a stale event behind, which is skipped in O(log n) when it surfaces.
 *
 * <p>Not thread-safe: one thread creates, drives and inspects a simulator.
 *
 * <p>References: [1] FoundationDB, "Simulation and Testing", apple.github.io/foundationdb/testing.
 * [2] TigerBeetle, docs/internals/vopr.md. [3] Dadgar, Phillips, Currey, "Lifeguard: Local Health
 * Awareness for More Accurate Failure Detection", 2018.
 *
 * @param <M> the message type the nodes exchange
 */
public final class Simulator<M> {

  /** The life-cycle state of a node slot. */
  public enum NodeState {
    /** Added but not yet started: the node does not exist on the network yet. */
    NEW,
    /** Running normally. */
    UP,
    /** In a stop-the-world pause. */
    PAUSED,
    /** Starved of CPU: runs once per slice. */
    STARVED,
    /** Crashed: its state is gone until restarted. */
    CRASHED,
    /** Left gracefully and stopped. */
    STOPPED;

    /** True when the node exists and keeps its state (up, paused or starved). */
    public boolean alive() {
      return this == UP || this == PAUSED || this == STARVED;
    }
  }

  /** The most messages queued for a paused or starved node; more are dropped, as by a socket. */
  public static final int INBOX_MESSAGES_MAX = 4096;

  /** The least distance between a node's timer and the present, so a node cannot spin in place. */
  public static final long TICK_GAP_MIN_NANOS = 10_000;

  /** The most node slots one simulator holds. */
  public static final int NODES_MAX = 1 << 22;

  /** The most entries kept in the fault log. */
  public static final int FAULT_LOG_MAX = 100_000;

  private static final long KIND_DELIVERY = 1;
  private static final long KIND_TICK = 2;
  private static final long KIND_FAULT = 3;
  private static final long KIND_ACTION = 4;
  private static final long KIND_CALL = 5;

  private final long seed;
  private final SplittableRandom master;
  private final SimNode.MessageTraits<M> traits;
  private final EventQueue queue = new EventQueue(1024);
  private final TraceHash trace = new TraceHash();
  private final Network network;
  private final List<Slot> slots = new ArrayList<>();
  private final List<FaultRecord> faultLog = new ArrayList<>();
  private long nowNanos;
  private long events;
  private long messagesSent;
  private long bytesSent;
  private long messagesDelivered;
  private long droppedLoss;
  private long droppedPartition;
  private long droppedDown;
  private long droppedInbox;
  private long duplicated;

  /**
   * @param seed the master seed: every random stream in the run is forked from it
   * @param networkConfig the network's latency, loss and disorder
   * @param traits how to size and digest a message
   */
  public Simulator(long seed, NetworkConfig networkConfig, SimNode.MessageTraits<M> traits) {
    this.seed = seed;
    this.master = new SplittableRandom(seed);
    this.traits = traits;
    this.network = new Network(networkConfig, master.split());
  }

  /** The master seed this run was built from. */
  public long seed() {
    return seed;
  }

  /** The current virtual time, in nanoseconds since the start of the run. */
  public long nowNanos() {
    return nowNanos;
  }

  /** A new random stream forked from the master seed (for workloads, nemeses, checkers). */
  public SplittableRandom fork() {
    return master.split();
  }

  public TraceHash trace() {
    return trace;
  }

  public Network network() {
    return network;
  }

  /**
   * Adds a node slot in state {@link NodeState#NEW}; it joins when a {@link Fault.Start} is
   * applied. Returns its index (0, 1, 2, ... in order of addition).
   */
  public int addNode(SimNode.Factory<M> factory, NodeClock clock) {
    if (slots.size() >= NODES_MAX) {
      throw new IllegalStateException(
          "nodes: " + slots.size() + " (expected: < " + NODES_MAX + ")");
    }
    Slot slot = new Slot(slots.size(), factory, clock, master.split());
    slots.add(slot);
    return slot.index;
  }

  public int nodeCount() {
    return slots.size();
  }

  public NodeState state(int node) {
    return slots.get(node).state;
  }

  /** The node's current protocol state, or null when it is not running (new, crashed, stopped). */
  public SimNode<M> node(int node) {
    return slots.get(node).node;
  }

  public NodeClock clock(int node) {
    return slots.get(node).clock;
  }

  /** The node's local clock reading now. */
  public long localNanos(int node) {
    return slots.get(node).clock.localAt(nowNanos);
  }

  /** How many times the node was (re)started. */
  public int lives(int node) {
    return slots.get(node).life + 1;
  }

  /** Messages the node has sent, including dropped ones, over all its lives. */
  public long sentMessages(int node) {
    return slots.get(node).sentMessages;
  }

  /** Bytes the node has sent (by the protocol's encoded sizes), over all its lives. */
  public long sentBytes(int node) {
    return slots.get(node).sentBytes;
  }

  /**
   * Calls into node {@code node} now, if it is up: the host's side of an operation (a lookup, a
   * join, a client request). Returns false, doing nothing, when the node is not up (not started,
   * crashed, stopped, paused or starved: a host thread could not run either).
   */
  public boolean call(int node, SimNode.Call<M> call) {
    Slot slot = slots.get(node);
    if (slot.state != NodeState.UP) {
      return false;
    }
    trace.add(nowNanos);
    trace.add(KIND_CALL);
    trace.add(node);
    try {
      call.apply(slot.node, slot.clock.localAt(nowNanos), slot);
    } catch (RuntimeException | Error e) {
      throw failure(slot, "a host call", e);
    }
    planTick(slot);
    return true;
  }

  /** Runs {@code action} at virtual time {@code atNanos} (>= now), in scheduling order. */
  public void schedule(long atNanos, Runnable action) {
    requireNotPast(atNanos);
    queue.add(atNanos, new Action(action));
  }

  /** Applies {@code fault} at virtual time {@code atNanos} (>= now). */
  public void schedule(long atNanos, Fault fault) {
    requireNotPast(atNanos);
    queue.add(atNanos, new FaultEvent(fault));
  }

  /** Applies {@code fault} now. */
  public void apply(Fault fault) {
    trace.add(nowNanos);
    trace.add(KIND_FAULT);
    trace.add(fault.digest());
    if (faultLog.size() < FAULT_LOG_MAX) {
      faultLog.add(new FaultRecord(nowNanos, fault));
    }
    if (fault instanceof Fault.Crash f) {
      crash(slots.get(f.node()), NodeState.CRASHED);
    } else if (fault instanceof Fault.Start f) {
      start(slots.get(f.node()));
    } else if (fault instanceof Fault.Pause f) {
      pause(slots.get(f.node()), f.durationNanos());
    } else if (fault instanceof Fault.Starve f) {
      starve(slots.get(f.node()), f.sliceNanos(), f.durationNanos());
    } else if (fault instanceof Fault.Leave f) {
      leave(slots.get(f.node()), f.graceNanos());
    } else if (fault instanceof Fault.Partitioned f) {
      network.setPartition(f.partition());
    } else if (fault instanceof Fault.Heal) {
      network.setPartition(Partition.none());
      network.unclogAll();
    } else if (fault instanceof Fault.Loss f) {
      network.setConfig(network.config().withLoss(f.probability()));
    } else if (fault instanceof Fault.Clog f) {
      network.clog(f.from(), f.to(), nowNanos + f.durationNanos());
    } else if (fault instanceof Fault.ClockJump f) {
      Slot slot = slots.get(f.node());
      slot.clock.jump(f.deltaNanos());
      if (slot.node != null) {
        // Local deadlines now fall earlier in global time: plan the timer afresh.
        slot.tickAtNanos = Long.MAX_VALUE;
        planTick(slot);
      }
    } else {
      throw new AssertionError("unknown fault: " + fault);
    }
  }

  /** Faults applied so far, in order (at most {@link #FAULT_LOG_MAX}). */
  public List<FaultRecord> faultLog() {
    return Collections.unmodifiableList(faultLog);
  }

  /**
   * Processes every event due at or before {@code endNanos}, then leaves virtual time at {@code
   * endNanos}. A node that throws stops the run with a {@link SimulationFailure} naming the seed,
   * the time and the node.
   */
  // The queue holds only this simulator's events, so the casts to its own inner types are safe.
  @SuppressWarnings("unchecked")
  public void runUntil(long endNanos) {
    requireNotPast(endNanos);
    while (!queue.isEmpty() && queue.peekTime() <= endNanos) {
      nowNanos = queue.peekTime();
      Object event = queue.poll();
      events++;
      if (event instanceof Delivery<?> d) {
        deliver((Delivery<M>) d);
      } else if (event instanceof Simulator<?>.Tick t) {
        tick((Tick) t);
      } else if (event instanceof Simulator<?>.Resume r) {
        resume((Resume) r);
      } else if (event instanceof FaultEvent f) {
        apply(f.fault);
      } else {
        trace.add(nowNanos);
        trace.add(KIND_ACTION);
        ((Action) event).action.run();
      }
    }
    nowNanos = endNanos;
  }

  /** Counters of the run so far. */
  public Stats stats() {
    return new Stats(
        events,
        messagesSent,
        bytesSent,
        messagesDelivered,
        droppedLoss,
        droppedPartition,
        droppedDown,
        droppedInbox,
        duplicated,
        queue.size());
  }

  /**
   * Counters of a run.
   *
   * @param events events processed (including stale timers)
   * @param messagesSent messages handed to the network
   * @param bytesSent their encoded bytes
   * @param messagesDelivered messages handled by a node
   * @param droppedLoss lost to random loss
   * @param droppedPartition dropped by a partition
   * @param droppedDown arrived at a node that was not running
   * @param droppedInbox overflowed a paused or starved node's inbox
   * @param duplicated extra copies made by duplication
   * @param pendingEvents events still queued
   */
  public record Stats(
      long events,
      long messagesSent,
      long bytesSent,
      long messagesDelivered,
      long droppedLoss,
      long droppedPartition,
      long droppedDown,
      long droppedInbox,
      long duplicated,
      long pendingEvents) {}

  /** A fault applied at a virtual time. */
  public record FaultRecord(long atNanos, Fault fault) {}

  // ---------------------------------------------------------------------------------------------

  private void requireNotPast(long atNanos) {
    if (atNanos < nowNanos) {
      throw new IllegalArgumentException(
          "atNanos: " + atNanos + " (expected: >= now " + nowNanos + ")");
    }
  }

  private void send(Slot from, int to, M message) {
    int size = traits.sizeBytes(message);
    messagesSent++;
    bytesSent += size;
    from.sentMessages++;
    from.sentBytes += size;
    if (to < 0 || to >= slots.size()) {
      throw new IllegalArgumentException(
          "to: " + to + " (expected: a node index in [0, " + slots.size() + "))");
    }
    if (network.blocked(from.index, to)) {
      droppedPartition++;
      return;
    }
    if (network.drawLoss()) {
      droppedLoss++;
      return;
    }
    int copies = 1;
    if (network.drawDuplicate()) {
      copies = 2;
      duplicated++;
    }
    long digest = traits.digest(message);
    for (int i = 0; i < copies; i++) {
      queue.add(
          network.drawArrival(from.index, to, nowNanos),
          new Delivery<>(from.index, to, message, digest));
    }
  }

  private void deliver(Delivery<M> d) {
    Slot slot = slots.get(d.to);
    if (network.blocked(d.from, d.to)) {
      // The partition was installed while the message was in flight.
      droppedPartition++;
      return;
    }
    switch (slot.state) {
      case UP -> {
        handle(slot, d);
        planTick(slot);
      }
      case PAUSED, STARVED -> {
        if (slot.inbox.size() >= INBOX_MESSAGES_MAX) {
          droppedInbox++;
        } else {
          slot.inbox.add(d);
        }
      }
      default -> droppedDown++;
    }
  }

  private void handle(Slot slot, Delivery<M> d) {
    messagesDelivered++;
    trace.add(nowNanos);
    trace.add(KIND_DELIVERY);
    trace.add((long) d.from << 32 | d.to);
    trace.add(d.digest);
    try {
      slot.node.onMessage(d.from, d.message, slot.clock.localAt(nowNanos), slot);
    } catch (RuntimeException | Error e) {
      throw failure(slot, "handling a message from node " + d.from, e);
    }
  }

  private void runTick(Slot slot) {
    trace.add(nowNanos);
    trace.add(KIND_TICK);
    trace.add(slot.index);
    try {
      slot.node.onTick(slot.clock.localAt(nowNanos), slot);
    } catch (RuntimeException | Error e) {
      throw failure(slot, "a timer", e);
    }
  }

  private void tick(Tick t) {
    Slot slot = t.slot;
    if (t.epoch != slot.epoch || t.atNanos != slot.tickAtNanos) {
      return; // re-planned or from a former life
    }
    slot.tickAtNanos = Long.MAX_VALUE;
    switch (slot.state) {
      case UP -> {
        runTick(slot);
        planTick(slot);
      }
      case PAUSED, STARVED -> slot.tickPending = true;
      default -> {}
    }
  }

  /** Asks the node for its next timer and schedules it if earlier than the one pending. */
  private void planTick(Slot slot) {
    if (slot.node == null) {
      return;
    }
    long local = slot.node.nextTickLocalNanos();
    if (local == Long.MAX_VALUE) {
      return;
    }
    long at = Math.max(slot.clock.globalAt(local), nowNanos + TICK_GAP_MIN_NANOS);
    if (at < slot.tickAtNanos) {
      slot.tickAtNanos = at;
      queue.add(at, new Tick(slot, slot.epoch, at));
    }
  }

  private void start(Slot slot) {
    if (slot.state != NodeState.NEW
        && slot.state != NodeState.CRASHED
        && slot.state != NodeState.STOPPED) {
      return; // already running: starting it again changes nothing
    }
    slot.life++;
    slot.epoch++;
    slot.state = NodeState.UP;
    slot.tickAtNanos = Long.MAX_VALUE;
    try {
      slot.node = slot.factory.create(slot.index, slot.random.split(), slot.life);
      slot.node.onStart(slot.clock.localAt(nowNanos), slot);
    } catch (RuntimeException | Error e) {
      throw failure(slot, "starting", e);
    }
    planTick(slot);
  }

  private void crash(Slot slot, NodeState to) {
    if (!slot.state.alive()) {
      return;
    }
    slot.state = to;
    slot.node = null;
    slot.epoch++;
    slot.inbox.clear();
    slot.tickPending = false;
    slot.tickAtNanos = Long.MAX_VALUE;
    slot.starveUntilNanos = 0;
    slot.pauseUntilNanos = 0;
  }

  private void leave(Slot slot, long graceNanos) {
    if (slot.state != NodeState.UP) {
      return;
    }
    try {
      slot.node.onLeave(slot.clock.localAt(nowNanos), slot);
    } catch (RuntimeException | Error e) {
      throw failure(slot, "leaving", e);
    }
    planTick(slot);
    long epoch = slot.epoch;
    queue.add(
        nowNanos + graceNanos,
        new Action(
            () -> {
              if (slot.epoch == epoch) {
                crash(slot, NodeState.STOPPED);
              }
            }));
  }

  private void pause(Slot slot, long durationNanos) {
    if (!slot.state.alive()) {
      return;
    }
    slot.state = NodeState.PAUSED;
    slot.pauseUntilNanos = Math.max(slot.pauseUntilNanos, nowNanos + durationNanos);
    queue.add(slot.pauseUntilNanos, new Resume(slot, slot.epoch));
  }

  private void starve(Slot slot, long sliceNanos, long durationNanos) {
    if (!slot.state.alive() || sliceNanos <= 0) {
      return;
    }
    slot.starveSliceNanos = sliceNanos;
    slot.starveUntilNanos = Math.max(slot.starveUntilNanos, nowNanos + durationNanos);
    if (slot.state == NodeState.UP) {
      slot.state = NodeState.STARVED;
      queue.add(nowNanos + sliceNanos, new Resume(slot, slot.epoch));
    }
  }

  /** The end of a pause or a starvation slice: run what waited, then decide the next state. */
  private void resume(Resume r) {
    Slot slot = r.slot;
    if (r.epoch != slot.epoch) {
      return;
    }
    if (slot.state == NodeState.PAUSED) {
      if (nowNanos < slot.pauseUntilNanos) {
        return; // the pause was extended; a later event resumes it
      }
      slot.pauseUntilNanos = 0;
    } else if (slot.state != NodeState.STARVED) {
      return;
    }
    boolean starving = nowNanos < slot.starveUntilNanos;
    slot.state = NodeState.UP;
    // A starved process's overdue timers fire before it gets to read its socket.
    if (slot.tickPending) {
      slot.tickPending = false;
      runTick(slot);
    }
    while (!slot.inbox.isEmpty() && slot.node != null) {
      handle(slot, slot.inbox.poll());
    }
    if (starving) {
      slot.state = NodeState.STARVED;
      queue.add(nowNanos + slot.starveSliceNanos, new Resume(slot, slot.epoch));
    }
    planTick(slot);
  }

  private SimulationFailure failure(Slot slot, String doing, Throwable cause) {
    return new SimulationFailure(
        seed,
        nowNanos,
        "node " + slot.index + " failed " + doing + " at " + nowNanos + " ns (seed " + seed + ")",
        cause);
  }

  private final class Slot implements SimNode.Outbox<M> {
    final int index;
    final SimNode.Factory<M> factory;
    final NodeClock clock;
    final SplittableRandom random;
    final ArrayDeque<Delivery<M>> inbox = new ArrayDeque<>(0);
    SimNode<M> node;
    NodeState state = NodeState.NEW;
    int life = -1;
    long epoch;
    long tickAtNanos = Long.MAX_VALUE;
    boolean tickPending;
    long pauseUntilNanos;
    long starveSliceNanos;
    long starveUntilNanos;
    long sentMessages;
    long sentBytes;

    Slot(int index, SimNode.Factory<M> factory, NodeClock clock, SplittableRandom random) {
      this.index = index;
      this.factory = factory;
      this.clock = clock;
      this.random = random;
    }

    @Override
    public void send(int to, M message) {
      Simulator.this.send(this, to, message);
    }
  }

  private record Delivery<M>(int from, int to, M message, long digest) {}

  private final class Tick {
    final Slot slot;
    final long epoch;
    final long atNanos;

    Tick(Slot slot, long epoch, long atNanos) {
      this.slot = slot;
      this.epoch = epoch;
      this.atNanos = atNanos;
    }
  }

  private final class Resume {
    final Slot slot;
    final long epoch;

    Resume(Slot slot, long epoch) {
      this.slot = slot;
      this.epoch = epoch;
    }
  }

  private record FaultEvent(Fault fault) {}

  private record Action(Runnable action) {}
}
