package org.ppdb.peer.discovery;

/**
 * Counters of one LAN discovery source since it started, as a consistent-enough snapshot (each
 * field is read atomically, the set is not). Every announcement that reached the filter is counted
 * under exactly one outcome: {@code announcements = reported + incomplete + duplicates +
 * ignoredSelf + ignoredOtherCluster + malformed + unsupportedVersion + noAddress + overCapacity}.
 *
 * @param announcements resolved announcements of our service type that reached the filter
 * @param reported hints passed to the listener
 * @param incomplete resolutions without a TXT record yet (jmDNS reports some before the TXT record
 *     arrives; the complete one follows)
 * @param duplicates announcements identical to the hint last reported for the same instance
 * @param ignoredSelf announcements carrying our own node id
 * @param ignoredOtherCluster well-formed announcements of another cluster
 * @param malformed TXT records refused as malformed (too large, bad framing, bad values, ...)
 * @param unsupportedVersion TXT records of a format version this code does not read
 * @param noAddress announcements without any usable address
 * @param overCapacity announcements of new instances dropped because the table of tracked instances
 *     was full
 * @param withdrawn instances that withdrew (goodbye or expiry) and were forgotten
 * @param listenerFailures runtime exceptions thrown by the listener
 */
public record DiscoveryStats(
    long announcements,
    long reported,
    long incomplete,
    long duplicates,
    long ignoredSelf,
    long ignoredOtherCluster,
    long malformed,
    long unsupportedVersion,
    long noAddress,
    long overCapacity,
    long withdrawn,
    long listenerFailures) {

  /** All zero: a source that never ran. */
  public static final DiscoveryStats ZERO = new DiscoveryStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
