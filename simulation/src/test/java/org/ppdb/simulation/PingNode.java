package org.ppdb.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small test protocol for the kernel: every period a node pings a random other node, and answers
 * pings with pongs. It records what it saw so tests can check the kernel's behaviour.
 */
class PingNode implements SimNode<PingNode.Message> {

  record Message(boolean ping, int origin, long sequence) {}

  static final SimNode.MessageTraits<Message> TRAITS =
      new SimNode.MessageTraits<>() {
        @Override
        public int sizeBytes(Message message) {
          return 16;
        }

        @Override
        public long digest(Message message) {
          return TraceHash.mix((message.ping() ? 1 : 2) ^ (long) message.origin() << 8)
              ^ message.sequence();
        }
      };

  final int index;
  final int clusterSize;
  final long periodNanos;
  final SplittableRandom random;
  final List<Long> tickLocalTimes = new ArrayList<>();
  final List<Integer> receivedFrom = new ArrayList<>();
  long nextTickNanos = Long.MAX_VALUE;
  long sequence;

  PingNode(int index, int clusterSize, long periodNanos, SplittableRandom random) {
    this.index = index;
    this.clusterSize = clusterSize;
    this.periodNanos = periodNanos;
    this.random = random;
  }

  @Override
  public void onStart(long localNanos, Outbox<Message> out) {
    nextTickNanos = localNanos + periodNanos;
  }

  @Override
  public void onMessage(int from, Message message, long localNanos, Outbox<Message> out) {
    receivedFrom.add(from);
    if (message.ping()) {
      out.send(from, new Message(false, index, message.sequence()));
    }
  }

  @Override
  public void onTick(long localNanos, Outbox<Message> out) {
    tickLocalTimes.add(localNanos);
    if (localNanos >= nextTickNanos) {
      nextTickNanos = localNanos + periodNanos;
      int to = random.nextInt(clusterSize - 1);
      if (to >= index) {
        to++;
      }
      out.send(to, new Message(true, index, sequence++));
    }
  }

  @Override
  public long nextTickLocalNanos() {
    return nextTickNanos;
  }
}
