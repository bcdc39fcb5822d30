package org.ppdb.peer.discovery;

import java.net.InetAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of {@link MdnsDiscovery}.
 *
 * @param bindAddress the address of the one interface to advertise and browse on (multicast group
 *     membership and the A/AAAA record use it). Not a wildcard: a peer on several LANs should pick
 *     the one its cluster lives on, and advertising every interface would leak addresses. No
 *     default; the node core derives it from the gossip bind address.
 * @param serviceType the DNS-SD service type, default {@link #SERVICE_TYPE_DEFAULT}. Peers only see
 *     each other if they use the same type; changing it is a way to run unrelated deployments on
 *     one LAN without them even exchanging announcements (the cluster name already separates them,
 *     but after reading the announcement).
 * @param hostName the mDNS host name (jmDNS appends {@code .local.}), default {@code ppdb-} and the
 *     first 12 hex digits of the node id. jmDNS renames on a conflict, so it need not be unique.
 * @param self what this peer advertises: cluster, node id, ports
 * @param trackedInstancesMax most service instances remembered at once, default {@link
 *     #TRACKED_INSTANCES_MAX_DEFAULT}; above it announcements of new instances are dropped and
 *     counted. Raise it only for LANs with more peers than that; each entry costs about 200 bytes.
 * @param addressesPerPeerMax most addresses kept per hint, default {@link
 *     #ADDRESSES_PER_PEER_MAX_DEFAULT}; further addresses are ignored.
 */
public record MdnsConfig(
    InetAddress bindAddress,
    String serviceType,
    String hostName,
    MdnsAdvert self,
    int trackedInstancesMax,
    int addressesPerPeerMax) {

  /** The ppdb DNS-SD service type. */
  public static final String SERVICE_TYPE_DEFAULT = "_ppdb._udp.local.";

  /** Default of {@link #trackedInstancesMax()}. */
  public static final int TRACKED_INSTANCES_MAX_DEFAULT = 1024;

  /** Default of {@link #addressesPerPeerMax()}. */
  public static final int ADDRESSES_PER_PEER_MAX_DEFAULT = 8;

  private static final Pattern SERVICE_TYPE =
      Pattern.compile("_[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?\\._(udp|tcp)\\.local\\.");
  private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public MdnsConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(self, "self");
    if (bindAddress.isAnyLocalAddress() || bindAddress.isMulticastAddress()) {
      throw new IllegalArgumentException(
          "bindAddress: "
              + bindAddress.getHostAddress()
              + " (expected: the unicast address of one interface)");
    }
    if (serviceType == null || !SERVICE_TYPE.matcher(serviceType).matches()) {
      throw new IllegalArgumentException(
          "serviceType: '" + serviceType + "' (expected: like " + SERVICE_TYPE_DEFAULT + ")");
    }
    if (hostName == null || !HOST_NAME.matcher(hostName).matches()) {
      throw new IllegalArgumentException(
          "hostName: '" + hostName + "' (expected: 1-63 lower-case letters, digits or inner '-')");
    }
    if (trackedInstancesMax < 1) {
      throw new IllegalArgumentException(
          "trackedInstancesMax: " + trackedInstancesMax + " (expected: > 0)");
    }
    if (addressesPerPeerMax < 1) {
      throw new IllegalArgumentException(
          "addressesPerPeerMax: " + addressesPerPeerMax + " (expected: > 0)");
    }
  }

  /** The defaults for everything but what only the node knows. */
  public static MdnsConfig of(InetAddress bindAddress, MdnsAdvert self) {
    return new MdnsConfig(
        bindAddress,
        SERVICE_TYPE_DEFAULT,
        "ppdb-" + self.nodeId().substring(0, 12),
        self,
        TRACKED_INSTANCES_MAX_DEFAULT,
        ADDRESSES_PER_PEER_MAX_DEFAULT);
  }

  /** This peer's service instance name: {@code ppdb-} and the full node id (45 characters). */
  public String instanceName() {
    return "ppdb-" + self.nodeId();
  }
}
