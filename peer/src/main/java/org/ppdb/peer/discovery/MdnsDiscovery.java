package org.ppdb.peer.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Objects;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN discovery by multicast DNS (RFC 6762) and DNS-SD (RFC 6763), on jmDNS.
 *
 * <p>The peer registers one service instance, {@code ppdb-<node id>} of type {@code
 * _ppdb._udp.local.}, whose SRV record names its gossip port and whose TXT record carries cluster,
 * node id and ports ({@link MdnsAdvert}). It browses the same type; each resolved instance goes
 * through {@link MdnsHintFilter}, and instances of our cluster other than ourselves are reported to
 * the {@link DiscoveryListener} as {@link PeerHint}s. Answers are unauthenticated hints: admission
 * is the authenticated join's job, never this class's.
 *
 * <p>Everything is bound to one interface address ({@link MdnsConfig#bindAddress()}), so a peer
 * never announces on networks it was not told about.
 *
 * <p>Threads and cost: jmDNS runs a socket listener thread, timers and an event executor (about
 * five threads) and answers queries by itself; {@link #start} blocks while jmDNS probes for name
 * conflicts (one to two seconds), and {@link #close} blocks while it sends goodbyes, after which no
 * jmDNS thread of this instance remains. Call both off the node loop. The listener is called on a
 * jmDNS thread. Public methods are thread-safe.
 */
public final class MdnsDiscovery implements LanDiscovery {

  private static final Logger log = LoggerFactory.getLogger(MdnsDiscovery.class);

  /**
   * How long jmDNS may wait for a resolution before returning from a request, in milliseconds. Kept
   * at 1 so that asking to resolve never blocks the jmDNS event thread; the answer arrives later as
   * a {@code serviceResolved} event.
   */
  private static final long RESOLVE_WAIT_MILLIS = 1;

  private final MdnsConfig config;
  private final DiscoveryListener listener;
  private final MdnsHintFilter filter;
  private final Browser browser = new Browser();
  private final Object lifecycle = new Object();
  private volatile boolean active;
  private volatile JmDNS jmdns;

  private MdnsDiscovery(MdnsConfig config, DiscoveryListener listener) {
    this.config = config;
    this.listener = listener;
    this.filter =
        new MdnsHintFilter(
            config.self().cluster(),
            config.self().nodeId(),
            config.trackedInstancesMax(),
            config.addressesPerPeerMax());
  }

  /**
   * Starts advertising and browsing.
   *
   * @throws IOException if no interface up and able to multicast carries the bind address, if the
   *     multicast socket cannot be opened on it, or if the service cannot be registered; nothing is
   *     left running in that case
   */
  public static MdnsDiscovery start(MdnsConfig config, DiscoveryListener listener)
      throws IOException {
    MdnsDiscovery discovery =
        new MdnsDiscovery(
            Objects.requireNonNull(config, "config"), Objects.requireNonNull(listener, "listener"));
    discovery.open();
    return discovery;
  }

  /**
   * Refuses a bind address that no local interface carries, or whose interface is down or cannot
   * multicast: jmDNS would otherwise fall back to another interface and announce this peer on a
   * network nobody chose.
   */
  static NetworkInterface checkInterface(InetAddress bindAddress) throws IOException {
    NetworkInterface nif = NetworkInterface.getByInetAddress(bindAddress);
    if (nif == null) {
      throw new IOException(
          "mDNS: no local interface has address "
              + bindAddress.getHostAddress()
              + " (expected: the address of an interface of this host)");
    }
    if (!nif.isUp()) {
      throw new IOException("mDNS: interface " + nif.getName() + " is down");
    }
    if (!nif.supportsMulticast()) {
      throw new IOException(
          "mDNS: interface "
              + nif.getName()
              + " ("
              + bindAddress.getHostAddress()
              + ") does not support multicast; choose another interface or turn mDNS off");
    }
    return nif;
  }

  private void open() throws IOException {
    checkInterface(config.bindAddress());
    synchronized (lifecycle) {
      JmDNS created = JmDNS.create(config.bindAddress(), config.hostName());
      try {
        active = true;
        jmdns = created;
        created.addServiceListener(config.serviceType(), browser);
        ServiceInfo info =
            ServiceInfo.create(
                config.serviceType(),
                config.instanceName(),
                config.self().gossipPort(),
                0,
                0,
                config.self().encodeTxt());
        created.registerService(info);
        log.info(
            "mDNS: advertising {} of cluster '{}' on {} (gossip port {}, data port {})",
            config.instanceName(),
            config.self().cluster(),
            config.bindAddress().getHostAddress(),
            config.self().gossipPort(),
            config.self().dataPort());
      } catch (IOException | RuntimeException e) {
        active = false;
        jmdns = null;
        closeQuietly(created);
        throw e;
      }
    }
  }

  @Override
  public boolean active() {
    return active;
  }

  @Override
  public DiscoveryStats stats() {
    return filter.stats();
  }

  /** The configuration this source runs with. */
  public MdnsConfig config() {
    return config;
  }

  @Override
  public void close() {
    JmDNS closing;
    synchronized (lifecycle) {
      if (!active) {
        return;
      }
      active = false;
      closing = jmdns;
      jmdns = null;
    }
    closing.removeServiceListener(config.serviceType(), browser);
    closeQuietly(closing);
    log.info("mDNS: stopped advertising {}", config.instanceName());
  }

  private static void closeQuietly(JmDNS jmdns) {
    try {
      jmdns.close();
    } catch (IOException | RuntimeException e) {
      log.warn("mDNS: error while closing jmDNS: {}", e.toString());
    }
  }

  private void onResolved(ServiceEvent event) {
    if (!active) {
      return;
    }
    ServiceInfo info = event.getInfo();
    if (info == null) {
      return;
    }
    MdnsHintFilter.Result result =
        filter.offer(event.getName(), info.getTextBytes(), info.getInetAddresses());
    switch (result.outcome()) {
      case REPORTED -> report(result.hint());
      case MALFORMED, UNSUPPORTED_VERSION, OVER_CAPACITY -> logRarely(event, result);
      default ->
          log.debug(
              "mDNS: ignored {}: {} ({})", event.getName(), result.outcome(), result.detail());
    }
  }

  private void report(PeerHint hint) {
    log.info(
        "mDNS: peer {} announced at {} (gossip port {})",
        hint.nodeId(),
        hint.addresses(),
        hint.gossipPort());
    try {
      listener.onPeerHint(hint);
    } catch (RuntimeException e) {
      filter.countListenerFailure();
      log.warn("mDNS: discovery listener failed on a hint for {}", hint.nodeId(), e);
    }
  }

  /** Logs at warn the 1st, 2nd, 4th, 8th, ... refusal, so that a flood cannot flood the log. */
  private void logRarely(ServiceEvent event, MdnsHintFilter.Result result) {
    DiscoveryStats stats = filter.stats();
    long n =
        switch (result.outcome()) {
          case MALFORMED -> stats.malformed();
          case UNSUPPORTED_VERSION -> stats.unsupportedVersion();
          default -> stats.overCapacity();
        };
    if (Long.bitCount(n) == 1) {
      log.warn(
          "mDNS: refused announcement '{}' ({} so far): {}", event.getName(), n, result.detail());
    }
  }

  /** jmDNS callbacks; kept private so that they are not part of this class's API. */
  private final class Browser implements ServiceListener {
    @Override
    public void serviceAdded(ServiceEvent event) {
      JmDNS current = jmdns;
      if (active && current != null) {
        current.requestServiceInfo(event.getType(), event.getName(), RESOLVE_WAIT_MILLIS);
      }
    }

    @Override
    public void serviceRemoved(ServiceEvent event) {
      if (filter.withdraw(event.getName())) {
        log.info("mDNS: instance {} withdrew", event.getName());
      }
    }

    @Override
    public void serviceResolved(ServiceEvent event) {
      onResolved(event);
    }
  }
}
