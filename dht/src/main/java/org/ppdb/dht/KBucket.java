package org.ppdb.dht;

/**
 * One k-bucket: up to k contacts ordered least-recently seen first, a small replacement cache of
 * verified contacts that did not fit, and the bookkeeping of the bucket's refresh and its one
 * outstanding eviction ping.
 *
 * <p>Arrays, not lists: a bucket is allocated only when its first contact arrives (about 250 bytes
 * for k=20), and its replacement cache only when the bucket first overflows. Not thread-safe; owned
 * by one {@link RoutingTable}.
 */
final class KBucket {
  private static final Contact[] NO_CONTACTS = new Contact[0];

  private final Contact[] entries;
  private final byte[] failures;
  private int size;
  private Contact[] replacements = NO_CONTACTS;
  private int replacementCount;

  /** When a lookup last targeted this bucket's range; the refresh timer runs from here. */
  long lastLookupNanos;

  /** The rpc id of the ping sent to the least-recently seen contact, or 0 if none is in flight. */
  long evictionPingRpcId;

  KBucket(int k, long nowNanos) {
    entries = new Contact[k];
    failures = new byte[k];
    lastLookupNanos = nowNanos;
  }

  int size() {
    return size;
  }

  boolean isFull() {
    return size == entries.length;
  }

  Contact get(int i) {
    return entries[i];
  }

  int indexOf(NodeId id) {
    for (int i = 0; i < size; i++) {
      if (entries[i].id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** Marks entry {@code i} as just seen: moves it to the tail and clears its failures. */
  void touch(int i, Contact current) {
    System.arraycopy(entries, i + 1, entries, i, size - i - 1);
    System.arraycopy(failures, i + 1, failures, i, size - i - 1);
    entries[size - 1] = current;
    failures[size - 1] = 0;
  }

  void append(Contact contact) {
    entries[size] = contact;
    failures[size] = 0;
    size++;
  }

  Contact remove(int i) {
    Contact removed = entries[i];
    System.arraycopy(entries, i + 1, entries, i, size - i - 1);
    System.arraycopy(failures, i + 1, failures, i, size - i - 1);
    size--;
    entries[size] = null;
    return removed;
  }

  /** The consecutive failures of entry {@code i} since it was last seen. */
  int failures(int i) {
    return failures[i];
  }

  /** Counts one more consecutive failure of entry {@code i} and returns the new count. */
  int fail(int i) {
    if (failures[i] < Byte.MAX_VALUE) {
      failures[i]++;
    }
    return failures[i];
  }

  int countSubnet(Address address) {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (entries[i].address().sameSubnet(address)) {
        n++;
      }
    }
    return n;
  }

  int replacementCount() {
    return replacementCount;
  }

  Contact replacement(int i) {
    return replacements[i];
  }

  /** Adds a verified contact to the replacement cache, newest last, dropping the oldest if full. */
  void addReplacement(Contact contact, int capacity) {
    if (capacity == 0) {
      return;
    }
    for (int i = 0; i < replacementCount; i++) {
      if (replacements[i].id().equals(contact.id())) {
        removeReplacement(i);
        break;
      }
    }
    if (replacements.length == 0) {
      replacements = new Contact[capacity];
    }
    if (replacementCount == capacity) {
      removeReplacement(0);
    }
    replacements[replacementCount++] = contact;
  }

  void removeReplacement(int i) {
    System.arraycopy(replacements, i + 1, replacements, i, replacementCount - i - 1);
    replacementCount--;
    replacements[replacementCount] = null;
  }
}
