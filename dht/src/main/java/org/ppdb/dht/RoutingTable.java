package org.ppdb.dht;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The Kademlia routing table of one node: k-buckets indexed by the length of the prefix a contact
 * shares with the own id (bucket i holds contacts at XOR distance in [2^(159-i), 2^(160-i))).
 *
 * <p>Buckets are created lazily: a node of a network of n nodes has contacts in about log2(n/k)+few
 * buckets, so the array of buckets grows to the deepest non-empty index only, instead of 160 empty
 * buckets per node. This is equivalent to the paper's bucket splitting (section 2.4) for the
 * buckets that exist, without its relaxed "split far buckets too" rule.
 *
 * <p>The table enforces discv5's subnet limits: at most {@link
 * DhtConfig#contactsPerSubnetPerBucketMax()} contacts of one IPv4 /24 (IPv6 /64) per bucket and
 * {@link DhtConfig#contactsPerSubnetPerTableMax()} in the table. Only the owning {@link Kademlia}
 * mutates it; the public methods are read-only views for hosts and tests, each O(table size) at
 * most. Not thread-safe: read it on the thread that drives the node.
 */
public final class RoutingTable {
  private static final KBucket[] NO_BUCKETS = new KBucket[0];

  private final NodeId self;
  private final DhtConfig config;
  private KBucket[] buckets = NO_BUCKETS;
  private int size;

  RoutingTable(NodeId self, DhtConfig config) {
    this.self = self;
    this.config = config;
  }

  /** The id of the node owning this table. */
  public NodeId self() {
    return self;
  }

  /** The number of contacts in the table (replacement caches excluded). */
  public int size() {
    return size;
  }

  /** The number of bucket slots allocated: one more than the deepest bucket index ever used. */
  public int bucketCount() {
    return buckets.length;
  }

  /** The contacts of bucket {@code index}, least-recently seen first; empty if none. */
  public List<Contact> bucket(int index) {
    KBucket b = index < buckets.length ? buckets[index] : null;
    if (b == null) {
      return List.of();
    }
    List<Contact> out = new ArrayList<>(b.size());
    for (int i = 0; i < b.size(); i++) {
      out.add(b.get(i));
    }
    return Collections.unmodifiableList(out);
  }

  /** The replacement cache of bucket {@code index}, oldest first; empty if none. */
  public List<Contact> replacements(int index) {
    KBucket b = index < buckets.length ? buckets[index] : null;
    if (b == null) {
      return List.of();
    }
    List<Contact> out = new ArrayList<>(b.replacementCount());
    for (int i = 0; i < b.replacementCount(); i++) {
      out.add(b.replacement(i));
    }
    return Collections.unmodifiableList(out);
  }

  /** All contacts, by bucket index, least-recently seen first within a bucket. */
  public List<Contact> contacts() {
    List<Contact> out = new ArrayList<>(size);
    for (KBucket b : buckets) {
      if (b != null) {
        for (int i = 0; i < b.size(); i++) {
          out.add(b.get(i));
        }
      }
    }
    return out;
  }

  /** The contact with this id, or null. */
  public Contact find(NodeId id) {
    KBucket b = bucketOf(id);
    if (b == null) {
      return null;
    }
    int i = b.indexOf(id);
    return i < 0 ? null : b.get(i);
  }

  /** Whether a contact with this id is in the table. */
  public boolean contains(NodeId id) {
    return find(id) != null;
  }

  /**
   * The (at most) {@code n} contacts closest to {@code target} by XOR distance, closest first.
   *
   * <p>Walks buckets in distance order instead of sorting the table: with {@code i = cpl(self,
   * target)}, bucket i holds the closest contacts, then buckets deeper than i, then buckets i-1,
   * i-2, ..., 0, each group strictly farther than the one before.
   */
  public List<Contact> closest(NodeId target, int n) {
    return closest(target, n, false);
  }

  /**
   * As {@link #closest(NodeId, int)}; with {@code skipFailing}, contacts that failed to answer
   * their last request are left out (what a node tells others should be what it believes alive).
   */
  List<Contact> closest(NodeId target, int n, boolean skipFailing) {
    List<Contact> out = new ArrayList<>(Math.min(n, size));
    if (n <= 0 || size == 0) {
      return out;
    }
    Comparator<Contact> byDistance = (a, b) -> NodeId.compareDistance(target, a.id(), b.id());
    int i = self.commonPrefixLength(target);
    int start = 0;
    if (i < buckets.length) {
      addBucket(out, buckets[i], skipFailing);
      start = sortTail(out, start, byDistance);
      for (int j = i + 1; j < buckets.length; j++) {
        addBucket(out, buckets[j], skipFailing);
      }
      start = sortTail(out, start, byDistance);
    }
    for (int j = Math.min(i, buckets.length) - 1; j >= 0 && out.size() < n; j--) {
      addBucket(out, buckets[j], skipFailing);
      start = sortTail(out, start, byDistance);
    }
    return out.size() > n ? new ArrayList<>(out.subList(0, n)) : out;
  }

  private static void addBucket(List<Contact> out, KBucket b, boolean skipFailing) {
    if (b != null) {
      for (int i = 0; i < b.size(); i++) {
        if (!skipFailing || b.failures(i) == 0) {
          out.add(b.get(i));
        }
      }
    }
  }

  private static int sortTail(List<Contact> out, int start, Comparator<Contact> order) {
    out.subList(start, out.size()).sort(order);
    return out.size();
  }

  /** Counts the contacts of the table in the same subnet as {@code address}. */
  int countSubnet(Address address) {
    int n = 0;
    for (KBucket b : buckets) {
      if (b != null) {
        n += b.countSubnet(address);
      }
    }
    return n;
  }

  int indexOf(NodeId id) {
    return self.commonPrefixLength(id);
  }

  KBucket bucketOf(NodeId id) {
    int i = indexOf(id);
    return i < buckets.length ? buckets[i] : null;
  }

  KBucket bucketAt(int index) {
    return index < buckets.length ? buckets[index] : null;
  }

  /** The bucket for {@code id}, created (and the array grown) if missing. */
  KBucket bucketFor(NodeId id, long nowNanos) {
    int i = indexOf(id);
    if (i >= buckets.length) {
      KBucket[] grown = new KBucket[i + 1];
      System.arraycopy(buckets, 0, grown, 0, buckets.length);
      buckets = grown;
    }
    if (buckets[i] == null) {
      buckets[i] = new KBucket(config.bucketSize(), nowNanos);
    }
    return buckets[i];
  }

  /** Whether the subnet limits admit {@code contact} into {@code bucket}. */
  boolean subnetAdmits(KBucket bucket, Contact contact) {
    return bucket.countSubnet(contact.address()) < config.contactsPerSubnetPerBucketMax()
        && countSubnet(contact.address()) < config.contactsPerSubnetPerTableMax();
  }

  void appended() {
    size++;
  }

  void removed() {
    size--;
  }

  /**
   * Moves the newest replacement that the subnet limits admit into {@code bucket}; returns it, or
   * null if none fits.
   */
  Contact promoteReplacement(KBucket bucket) {
    for (int r = bucket.replacementCount() - 1; r >= 0; r--) {
      Contact c = bucket.replacement(r);
      if (subnetAdmits(bucket, c)) {
        bucket.removeReplacement(r);
        bucket.append(c);
        size++;
        return c;
      }
    }
    return null;
  }

  /** The earliest time a bucket is due for refresh, or {@code Long.MAX_VALUE}. */
  long nextRefreshNanos() {
    long next = Long.MAX_VALUE;
    for (KBucket b : buckets) {
      if (b != null) {
        next = Math.min(next, b.lastLookupNanos + config.refreshIntervalNanos());
      }
    }
    return next;
  }
}
