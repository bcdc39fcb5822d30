package org.ppdb.simulation;

/**
 * One fault (or repair) the simulator applies at a point of virtual time, from a fault schedule or
 * a scenario's nemesis. Each has a stable {@link #digest()} fed into the trace hash when applied.
 */
public sealed interface Fault {

  /** A stable digest of the fault and its arguments. */
  long digest();

  /** A short human description for fault logs. */
  String describe();

  /** The node crashes: its state is lost, in-flight messages to it are dropped on arrival. */
  record Crash(int node) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x101L << 40 | node);
    }

    @Override
    public String describe() {
      return "crash node " + node;
    }
  }

  /** A crashed (or left) node restarts with fresh state; a never-started node starts (joins). */
  record Start(int node) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x102L << 40 | node);
    }

    @Override
    public String describe() {
      return "start node " + node;
    }
  }

  /**
   * A stop-the-world pause: the node runs nothing for {@code durationNanos}, then handles what
   * queued up, with its clock having moved on.
   */
  record Pause(int node, long durationNanos) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x103L << 40 | node) ^ durationNanos;
    }

    @Override
    public String describe() {
      return "pause node " + node + " for " + durationNanos / 1_000_000 + " ms";
    }
  }

  /**
   * Starvation: for {@code durationNanos} the node gets the CPU only once every {@code sliceNanos},
   * so its timers and its message handling run late by up to that much.
   */
  record Starve(int node, long sliceNanos, long durationNanos) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x104L << 40 | node) ^ sliceNanos * 31 ^ durationNanos;
    }

    @Override
    public String describe() {
      return "starve node "
          + node
          + " (slice "
          + sliceNanos / 1_000_000
          + " ms) for "
          + durationNanos / 1_000_000
          + " ms";
    }
  }

  /** The node leaves gracefully, then stops after {@code graceNanos}. */
  record Leave(int node, long graceNanos) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x105L << 40 | node) ^ graceNanos;
    }

    @Override
    public String describe() {
      return "node " + node + " leaves";
    }
  }

  /** Installs a partition (replacing any other). */
  record Partitioned(Partition partition) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x106L << 40) ^ partition.digest();
    }

    @Override
    public String describe() {
      return "partition: " + partition.describe();
    }
  }

  /** Removes the partition and every clog. */
  record Heal() implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x107L << 40);
    }

    @Override
    public String describe() {
      return "heal network";
    }
  }

  /** Changes the random message loss. */
  record Loss(double probability) implements Fault {
    public Loss {
      NetworkConfig.requireProbability("probability", probability);
    }

    @Override
    public long digest() {
      return TraceHash.mix(0x108L << 40) ^ Double.doubleToLongBits(probability);
    }

    @Override
    public String describe() {
      return "message loss " + probability;
    }
  }

  /** Delays link {@code from -> to} for {@code durationNanos}. */
  record Clog(int from, int to, long durationNanos) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x109L << 40 | (long) from << 20 | to) ^ durationNanos;
    }

    @Override
    public String describe() {
      return "clog " + from + " -> " + to + " for " + durationNanos / 1_000_000 + " ms";
    }
  }

  /** Steps a node's clock forward. */
  record ClockJump(int node, long deltaNanos) implements Fault {
    @Override
    public long digest() {
      return TraceHash.mix(0x10aL << 40 | node) ^ deltaNanos;
    }

    @Override
    public String describe() {
      return "clock of node " + node + " jumps " + deltaNanos / 1_000_000 + " ms";
    }
  }
}
