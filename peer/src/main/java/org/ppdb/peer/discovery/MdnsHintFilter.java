package org.ppdb.peer.discovery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns resolved mDNS announcements into {@link PeerHint}s: decodes the TXT record, drops our own
 * record, other clusters, malformed records and announcements without an address, suppresses
 * repeats, and counts each outcome.
 *
 * <p>It remembers the hint last reported per service instance, at most {@code trackedInstancesMax}
 * of them; when the table is full, announcements of new instances are dropped (and counted) rather
 * than evicting known ones, so a flood of fake instances on the LAN cannot push real peers out. An
 * instance that withdraws frees its slot.
 *
 * <p>Kept apart from jmDNS so that it can be tested without multicast. Thread-safe: every method
 * holds the monitor, and each call costs O(TXT size + addresses).
 */
final class MdnsHintFilter {

  enum Outcome {
    REPORTED,
    INCOMPLETE,
    DUPLICATE,
    SELF,
    OTHER_CLUSTER,
    MALFORMED,
    UNSUPPORTED_VERSION,
    NO_ADDRESS,
    OVER_CAPACITY
  }

  /** An outcome, with the hint to report if it is {@link Outcome#REPORTED}. */
  record Result(Outcome outcome, PeerHint hint, String detail) {}

  private final String cluster;
  private final String selfNodeId;
  private final int trackedInstancesMax;
  private final int addressesPerPeerMax;
  private final Map<String, PeerHint> tracked = new HashMap<>();
  private final long[] outcomes = new long[Outcome.values().length];
  private long withdrawn;
  private long listenerFailures;

  MdnsHintFilter(
      String cluster, String selfNodeId, int trackedInstancesMax, int addressesPerPeerMax) {
    if (!MdnsAdvert.isValidClusterName(cluster)) {
      throw new IllegalArgumentException("cluster: '" + cluster + "'");
    }
    if (!MdnsAdvert.isValidNodeId(selfNodeId)) {
      throw new IllegalArgumentException("selfNodeId: '" + selfNodeId + "'");
    }
    if (trackedInstancesMax < 1) {
      throw new IllegalArgumentException(
          "trackedInstancesMax: " + trackedInstancesMax + " (expected: > 0)");
    }
    if (addressesPerPeerMax < 1) {
      throw new IllegalArgumentException(
          "addressesPerPeerMax: " + addressesPerPeerMax + " (expected: > 0)");
    }
    this.cluster = cluster;
    this.selfNodeId = selfNodeId;
    this.trackedInstancesMax = trackedInstancesMax;
    this.addressesPerPeerMax = addressesPerPeerMax;
  }

  /**
   * Judges one resolved announcement.
   *
   * @param instance the service instance name (DNS names compare case-insensitively)
   * @param txt the raw TXT record, possibly null
   * @param addresses the addresses resolved for the instance's host, possibly null
   */
  synchronized Result offer(String instance, byte[] txt, InetAddress[] addresses) {
    String key = Objects.requireNonNull(instance, "instance").toLowerCase(Locale.ROOT);
    if (isEmptyTxt(txt)) {
      // jmDNS reports some resolutions before the TXT record has arrived; the full one follows.
      return count(Outcome.INCOMPLETE, null, "no TXT record yet");
    }
    MdnsAdvert advert;
    try {
      advert = MdnsAdvert.decodeTxt(txt);
    } catch (MalformedAdvertException e) {
      tracked.remove(key);
      Outcome outcome =
          e.reason() == MalformedAdvertException.Reason.UNSUPPORTED_VERSION
              ? Outcome.UNSUPPORTED_VERSION
              : Outcome.MALFORMED;
      return count(outcome, null, e.getMessage());
    }
    if (!advert.cluster().equals(cluster)) {
      tracked.remove(key);
      return count(Outcome.OTHER_CLUSTER, null, "cluster '" + advert.cluster() + "'");
    }
    if (advert.nodeId().equals(selfNodeId)) {
      tracked.remove(key);
      return count(Outcome.SELF, null, "our own node id");
    }
    List<InetAddress> usable = usableAddresses(addresses);
    if (usable.isEmpty()) {
      return count(Outcome.NO_ADDRESS, null, "no usable address");
    }
    PeerHint hint = new PeerHint(advert.nodeId(), usable, advert.gossipPort(), advert.dataPort());
    PeerHint previous = tracked.get(key);
    if (hint.equals(previous)) {
      return count(Outcome.DUPLICATE, null, "unchanged");
    }
    if (previous == null && tracked.size() >= trackedInstancesMax) {
      return count(
          Outcome.OVER_CAPACITY, null, "instance table full (" + trackedInstancesMax + " tracked)");
    }
    tracked.put(key, hint);
    return count(Outcome.REPORTED, hint, "");
  }

  /** True for an absent TXT record, or one made only of empty strings (RFC 6763 6.1). */
  private static boolean isEmptyTxt(byte[] txt) {
    if (txt == null) {
      return true;
    }
    for (byte b : txt) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Forgets an instance that withdrew; returns whether it was tracked. */
  synchronized boolean withdraw(String instance) {
    boolean removed = tracked.remove(instance.toLowerCase(Locale.ROOT)) != null;
    if (removed) {
      withdrawn++;
    }
    return removed;
  }

  synchronized void countListenerFailure() {
    listenerFailures++;
  }

  synchronized int trackedCount() {
    return tracked.size();
  }

  synchronized DiscoveryStats stats() {
    long all = 0;
    for (long n : outcomes) {
      all += n;
    }
    return new DiscoveryStats(
        all,
        outcomes[Outcome.REPORTED.ordinal()],
        outcomes[Outcome.INCOMPLETE.ordinal()],
        outcomes[Outcome.DUPLICATE.ordinal()],
        outcomes[Outcome.SELF.ordinal()],
        outcomes[Outcome.OTHER_CLUSTER.ordinal()],
        outcomes[Outcome.MALFORMED.ordinal()],
        outcomes[Outcome.UNSUPPORTED_VERSION.ordinal()],
        outcomes[Outcome.NO_ADDRESS.ordinal()],
        outcomes[Outcome.OVER_CAPACITY.ordinal()],
        withdrawn,
        listenerFailures);
  }

  private Result count(Outcome outcome, PeerHint hint, String detail) {
    outcomes[outcome.ordinal()]++;
    return new Result(outcome, hint, detail);
  }

  private List<InetAddress> usableAddresses(InetAddress[] addresses) {
    List<InetAddress> usable = new ArrayList<>();
    if (addresses == null) {
      return usable;
    }
    for (InetAddress address : addresses) {
      if (usable.size() == addressesPerPeerMax) {
        break;
      }
      if (address != null
          && !address.isAnyLocalAddress()
          && !address.isMulticastAddress()
          && !usable.contains(address)) {
        usable.add(address);
      }
    }
    return usable;
  }
}
