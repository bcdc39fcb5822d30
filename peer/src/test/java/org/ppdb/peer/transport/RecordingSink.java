package org.ppdb.peer.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ppdb.peer.identity.NodeId;

/** An {@link InboundSink} that queues what it receives, for tests. */
final class RecordingSink implements InboundSink {
  record Received(boolean datagram, InetSocketAddress from, NodeId sender, Object message) {}

  final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();

  @Override
  public void onDatagram(InetSocketAddress from, NodeId sender, Object message) {
    received.add(new Received(true, from, sender, message));
  }

  @Override
  public void onFrame(InetSocketAddress from, NodeId sender, Object message) {
    received.add(new Received(false, from, sender, message));
  }

  Received next(long timeoutMillis) throws InterruptedException {
    return received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }
}
