package org.ppdb.peer.resp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connected clients of one server: assigns connection ids (increasing from 1, as Redis), caps
 * the number of connections, and lists them for {@code CLIENT LIST} and INFO.
 *
 * <p>Thread-safe (connections register from any event loop). Cost: O(1) per connect and disconnect;
 * listing is O(n log n).
 */
final class ClientRegistry {
  private final int clientsMax;
  private final AtomicLong nextId = new AtomicLong(1);
  private final ConcurrentHashMap<Long, RespSession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();

  ClientRegistry(int clientsMax) {
    if (clientsMax <= 0) {
      throw new IllegalArgumentException("clientsMax: " + clientsMax + " (expected: > 0)");
    }
    this.clientsMax = clientsMax;
  }

  long nextId() {
    return nextId.getAndIncrement();
  }

  /** Registers {@code session}; false (and not registered) if the server is full. */
  synchronized boolean register(RespSession session) {
    if (sessions.size() >= clientsMax) {
      refused.incrementAndGet();
      return false;
    }
    sessions.put(session.id, session);
    return true;
  }

  synchronized void unregister(RespSession session) {
    sessions.remove(session.id, session);
  }

  int connected() {
    return sessions.size();
  }

  int clientsMax() {
    return clientsMax;
  }

  long refused() {
    return refused.get();
  }

  /** The connected sessions in id order. */
  List<RespSession> list() {
    List<RespSession> all = new ArrayList<>(sessions.values());
    all.sort(Comparator.comparingLong(s -> s.id));
    return all;
  }
}
