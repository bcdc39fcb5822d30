package org.ppdb.dht;

import java.util.ArrayList;
import java.util.List;

/** An outbox that keeps what a core emitted, for tests that drive one node by hand. */
final class RecordingOutbox implements Outbox {
  record Sent(Address to, DhtMessage message) {}

  final List<Sent> sent = new ArrayList<>();
  final List<DhtResult> results = new ArrayList<>();

  @Override
  public void send(Address to, DhtMessage message) {
    sent.add(new Sent(to, message));
  }

  @Override
  public void complete(DhtResult result) {
    results.add(result);
  }

  /** The messages sent since the last call, cleared. */
  List<Sent> drain() {
    List<Sent> out = new ArrayList<>(sent);
    sent.clear();
    return out;
  }
}
