package org.ppdb.peer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.ppdb.gossip.Address;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.peer.admin.AdminConfig;
import org.ppdb.peer.admin.AdminServer;
import org.ppdb.peer.admin.HealthReport;
import org.ppdb.peer.admin.MemberSnapshot;
import org.ppdb.peer.admin.MemberState;
import org.ppdb.peer.admin.PeerMetrics;
import org.ppdb.peer.discovery.LanDiscovery;
import org.ppdb.peer.discovery.MdnsAdvert;
import org.ppdb.peer.discovery.MdnsConfig;
import org.ppdb.peer.discovery.MdnsDiscovery;
import org.ppdb.peer.discovery.PeerHint;
import org.ppdb.peer.discovery.SeedAddress;
import org.ppdb.peer.identity.IdentityStore;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.identity.NodeIdentity;
import org.ppdb.peer.node.NodeConfig;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.peer.node.NodeLoop;
import org.ppdb.peer.node.NodeOutput;
import org.ppdb.peer.replication.DataMessage;
import org.ppdb.peer.security.ClusterKeyring;
import org.ppdb.peer.security.ClusterSecurity;
import org.ppdb.peer.security.DatagramSealer;
import org.ppdb.peer.transport.InboundSink;
import org.ppdb.peer.transport.NettyTransport;
import org.ppdb.peer.transport.SendResult;
import org.ppdb.peer.transport.TransportConfig;
import org.ppdb.peer.transport.TransportCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ppdb peer: its identity, its cluster security, the Netty transport, the node loop that
 * owns the gossip and DHT cores, LAN discovery and the admin HTTP server, started together and
 * stopped together. This is what {@code ppdb peer} runs, and what a Java program embeds to run a
 * peer in-process.
 *
 * <p>Start order: data directory and identity, cluster secret, transport (so the real port is
 * known), node loop (join through seeds, DHT bootstrap), mDNS, admin HTTP. Any failure stops what
 * was started and is reported as an {@link IOException} or {@link IllegalArgumentException} with
 * the reason.
 *
 * <p>Thread safety: the public methods may be called from any thread.
 */
public final class Peer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Peer.class);

  private final PeerConfig config;
  private final NodeIdentity identity;
  private final ClusterSecurity security;
  private final NettyTransport transport;
  private final NodeLoop loop;
  private final InetSocketAddress advertised;
  private final PrometheusMeterRegistry registry;
  private final PeerMetrics metrics;
  private final Map<String, PeerMetrics.MessageMeters> sentByType = new ConcurrentHashMap<>();
  private final Map<String, PeerMetrics.MessageMeters> receivedByType = new ConcurrentHashMap<>();
  private volatile int[] membersByState = new int[MemberState.values().length];
  private final PeerData data;
  private volatile LanDiscovery discovery;
  private volatile AdminServer admin;
  private volatile boolean closed;

  private Peer(
      PeerConfig config,
      NodeIdentity identity,
      ClusterSecurity security,
      NettyTransport transport,
      NodeLoop loop,
      InetSocketAddress advertised,
      PrometheusMeterRegistry registry,
      PeerMetrics metrics,
      PeerData data) {
    this.data = data;
    this.config = config;
    this.identity = identity;
    this.security = security;
    this.transport = transport;
    this.loop = loop;
    this.advertised = advertised;
    this.registry = registry;
    this.metrics = metrics;
  }

  /**
   * Starts a peer.
   *
   * @param onFailure called if the node's core breaks an invariant and stops; a peer process exits
   * @throws IOException if the data directory, identity, secret file or a port cannot be used
   */
  public static Peer start(PeerConfig config, Consumer<Throwable> onFailure) throws IOException {
    Files.createDirectories(config.dataDirectory());
    SecureRandom secureRandom = new SecureRandom();
    NodeIdentity identity = IdentityStore.loadOrCreate(config.dataDirectory(), secureRandom);
    ClusterSecurity security =
        config.clusterSecretFile() == null
            ? ClusterSecurity.open(config.clusterName())
            : ClusterSecurity.secured(
                ClusterKeyring.load(config.clusterSecretFile(), config.clusterName()));
    List<InetSocketAddress> seeds = resolve("seed", config.seeds());
    List<InetSocketAddress> dhtSeeds = resolve("DHT seed", config.dhtSeeds());

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PeerMetrics metrics = new PeerMetrics(registry);
    Holder holder = new Holder();
    NettyTransport transport = startTransport(config, identity, security, holder);
    Peer peer = null;
    PeerData data = null;
    try {
      data = PeerData.open(config);
      int port = transport.udpAddress().getPort();
      InetSocketAddress advertised =
          new InetSocketAddress(advertiseAddress(config.advertiseHost(), config.bindHost()), port);
      NodeConfig nodeConfig =
          new NodeConfig(
              config.clusterName(),
              advertised,
              withoutSelf(seeds, advertised),
              withoutSelf(dhtSeeds, advertised),
              org.ppdb.gossip.SwimConfig.ppdbDefaults(),
              org.ppdb.dht.DhtConfig.defaults(),
              NodeConfig.RENDEZVOUS_RETRY_NANOS_DEFAULT);
      Output output = new Output(transport);
      output.data = data;
      NodeCore core =
          new NodeCore(
              nodeConfig,
              identity.nodeId(),
              new SplittableRandom(secureRandom.nextLong()),
              output,
              data.dataPlane());
      output.core = core;
      NodeLoop loop = new NodeLoop(core, System::nanoTime, config.nodeQueueCapacity(), onFailure);
      data.attach(loop, core, output::sendStream);
      peer =
          new Peer(
              config, identity, security, transport, loop, advertised, registry, metrics, data);
      output.peer = peer;
      holder.peer = peer;
      peer.bindMetrics();
      data.bindMetrics(registry);
      loop.start();
      peer.startDiscovery();
      peer.startAdmin();
      return peer;
    } catch (IOException | RuntimeException e) {
      if (peer != null) {
        peer.closeQuietly();
      } else {
        transport.close();
        if (data != null) {
          data.close();
        }
      }
      throw e;
    }
  }

  /** Most attempts at finding a port free for both UDP and TCP when the port is 0. */
  static final int FREE_PORT_ATTEMPTS_MAX = 20;

  /**
   * Starts the transport on the configured port for both UDP and TCP. Peers advertise one port for
   * both, so with port 0 the peer looks for a number free for both rather than taking two unrelated
   * ephemeral ports.
   */
  private static NettyTransport startTransport(
      PeerConfig config, NodeIdentity identity, ClusterSecurity security, InboundSink sink)
      throws IOException {
    if (config.port() != 0) {
      return NettyTransport.start(
          TransportConfig.defaults().withAddress(config.bindHost(), config.port(), config.port()),
          identity,
          security,
          sink);
    }
    IOException last = null;
    for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS_MAX; attempt++) {
      int port;
      try (java.net.DatagramSocket probe =
          new java.net.DatagramSocket(
              new InetSocketAddress(InetAddress.getByName(config.bindHost()), 0))) {
        port = probe.getLocalPort();
      }
      try {
        return NettyTransport.start(
            TransportConfig.defaults().withAddress(config.bindHost(), port, port),
            identity,
            security,
            sink);
      } catch (IOException taken) {
        last = taken; // the TCP side (or a racing process) has it: try another number
      }
    }
    throw new IOException(
        "no port free for both UDP and TCP on "
            + config.bindHost()
            + " after "
            + FREE_PORT_ATTEMPTS_MAX
            + " attempts",
        last);
  }

  private static List<InetSocketAddress> resolve(String what, List<SeedAddress> seeds)
      throws UnknownHostException {
    List<InetSocketAddress> resolved = new ArrayList<>(seeds.size());
    for (SeedAddress seed : seeds) {
      try {
        resolved.add(new InetSocketAddress(InetAddress.getByName(seed.host()), seed.port()));
      } catch (UnknownHostException e) {
        throw new UnknownHostException(what + " " + seed + ": unknown host " + seed.host());
      }
    }
    return resolved;
  }

  private static List<InetSocketAddress> withoutSelf(
      List<InetSocketAddress> seeds, InetSocketAddress self) {
    return seeds.stream().filter(seed -> !seed.equals(self)).toList();
  }

  /** The address to advertise: explicit, else the bind address, else an interface's address. */
  static InetAddress advertiseAddress(String advertiseHost, String bindHost)
      throws UnknownHostException {
    if (advertiseHost != null && !advertiseHost.isBlank()) {
      return InetAddress.getByName(advertiseHost);
    }
    InetAddress bind = InetAddress.getByName(bindHost);
    if (!bind.isAnyLocalAddress()) {
      return bind;
    }
    try {
      List<NetworkInterface> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
      for (NetworkInterface candidate : interfaces) {
        if (!candidate.isUp() || candidate.isLoopback()) {
          continue;
        }
        for (InetAddress address : Collections.list(candidate.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
            return address;
          }
        }
      }
    } catch (SocketException e) {
      log.warn("cannot list network interfaces ({}); advertising 127.0.0.1", e.getMessage());
    }
    return InetAddress.getLoopbackAddress();
  }

  private void startDiscovery() {
    if (!config.mdns()) {
      log.info("mDNS discovery is off (--no-mdns)");
      return;
    }
    try {
      MdnsAdvert advert =
          new MdnsAdvert(
              config.clusterName(),
              identity.nodeId().toHex(),
              advertised.getPort(),
              advertised.getPort());
      discovery =
          MdnsDiscovery.start(MdnsConfig.of(advertised.getAddress(), advert), this::onPeerHint);
      metrics.bindDiscovery("mdns", discovery);
      log.info("mDNS: advertising and browsing on {}", advertised.getAddress().getHostAddress());
    } catch (IOException e) {
      log.warn(
          "mDNS discovery is unavailable on {}: {}; peers must be given with --seeds or found"
              + " through the DHT",
          advertised.getAddress().getHostAddress(),
          e.getMessage());
    }
  }

  private void onPeerHint(PeerHint hint) {
    NodeId nodeId = NodeId.fromHex(hint.nodeId());
    for (InetSocketAddress endpoint : hint.gossipEndpoints()) {
      loop.submit(core -> core.onPeerHint(endpoint, nodeId, loop.nanoTime()));
    }
  }

  private void startAdmin() throws IOException {
    admin =
        AdminServer.start(
            AdminConfig.defaults().withBind(config.adminBind(), config.adminPort()),
            this::memberSnapshots,
            this::health,
            registry);
    log.info("admin HTTP on http://{}/ (health, members, metrics)", hostPort(admin.localAddress()));
  }

  private void bindMetrics() {
    metrics.bindMembersByState(state -> membersByState[state.ordinal()]);
    metrics.bindQueue("node_inbound", loop::queueDepth, config.nodeQueueCapacity());
    TransportCounters counters = transport.counters();
    for (DatagramSealer.Outcome outcome : DatagramSealer.Outcome.values()) {
      if (outcome == DatagramSealer.Outcome.ACCEPTED) {
        continue;
      }
      FunctionCounter.builder(
              "ppdb.transport.datagrams.rejected", counters, c -> c.datagramsRejected(outcome))
          .tag("reason", outcome.name().toLowerCase(Locale.ROOT))
          .description("Datagrams rejected before decoding, by reason")
          .register(registry);
    }
    for (SendResult result : SendResult.values()) {
      if (result.sent()) {
        continue;
      }
      FunctionCounter.builder("ppdb.transport.sends.dropped", counters, c -> c.sendsDropped(result))
          .tag("reason", result.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder(
            "ppdb.transport.datagrams.decode.errors",
            counters,
            TransportCounters::datagramDecodeErrors)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.transport.datagrams.oversize", counters, TransportCounters::datagramsOversize)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.transport.frames.decode.errors", counters, TransportCounters::frameDecodeErrors)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.transport.frames.oversize", counters, TransportCounters::framesOversize)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.transport.tls.handshake.failures",
            counters,
            TransportCounters::tlsHandshakeFailures)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.transport.datagram.bytes.sent", counters, TransportCounters::datagramBytesSent)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.transport.datagram.bytes.received",
            counters,
            TransportCounters::datagramBytesReceived)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.transport.frame.bytes.sent", counters, TransportCounters::frameBytesSent)
        .register(registry);
    FunctionCounter.builder("ppdb.node.tasks.rejected", loop, NodeLoop::rejectedTasks)
        .description("Inputs dropped because the node's queue was full")
        .register(registry);
    Gauge.builder("ppdb.transport.connections.open", counters, c -> c.inboundConnectionsOpen())
        .tag("direction", "inbound")
        .register(registry);
    Gauge.builder("ppdb.transport.connections.open", counters, c -> c.outboundConnectionsOpen())
        .tag("direction", "outbound")
        .register(registry);
  }

  /** Called on the node's thread for every membership change: log, metrics, counts by state. */
  private void onMembershipEvent(MembershipEvent event, NodeCore core) {
    Member member = event.member();
    String who = HexFormat.of().formatHex(member.id().toBytes());
    String shortId = who.length() > 8 ? who.substring(0, 8) : who;
    Address address = member.address();
    switch (event.kind()) {
      case JOINED -> log.info("member joined: {} at {}", shortId, address);
      case SUSPECTED -> {
        metrics.onSuspicion();
        log.info("member suspected: {} at {}", shortId, address);
      }
      case ALIVE_AGAIN -> {
        metrics.onRefutation();
        log.info("member refuted suspicion: {} at {}", shortId, address);
      }
      case DEAD -> log.warn("member dead: {} at {}", shortId, address);
      case LEFT -> log.info("member left: {} at {}", shortId, address);
      case METADATA_UPDATED -> log.debug("member metadata updated: {}", shortId);
    }
    int[] counts = new int[MemberState.values().length];
    core.members().forEach(m -> counts[state(m.status()).ordinal()]++);
    membersByState = counts;
    data.refresh(core);
  }

  private static MemberState state(MemberStatus status) {
    return switch (status) {
      case ALIVE -> MemberState.ALIVE;
      case SUSPECT -> MemberState.SUSPECT;
      case DEAD -> MemberState.DEAD;
      case LEFT -> MemberState.LEFT;
    };
  }

  /** The membership as this peer sees it, read on the node's thread. */
  public List<MemberSnapshot> memberSnapshots() {
    try {
      return loop.query(Peer::snapshot).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the membership", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the node did not answer: " + e.getMessage(), e);
    }
  }

  private static List<MemberSnapshot> snapshot(NodeCore core) {
    List<MemberSnapshot> members = new ArrayList<>();
    byte[] self = core.id().toBytes();
    core.members()
        .forEach(
            m ->
                members.add(
                    new MemberSnapshot(
                        HexFormat.of().formatHex(m.id().toBytes()),
                        m.addresses().stream().map(Address::toString).toList(),
                        state(m.status()),
                        m.incarnation(),
                        m.metadataVersion(),
                        java.util.Arrays.equals(m.id().toBytes(), self))));
    return members;
  }

  private HealthReport health() {
    if (closed || !loop.isRunning()) {
      return HealthReport.down("node loop stopped");
    }
    int[] counts = membersByState;
    return HealthReport.up(
        "alive "
            + Math.max(1, counts[MemberState.ALIVE.ordinal()])
            + ", suspect "
            + counts[MemberState.SUSPECT.ordinal()]
            + ", dead "
            + counts[MemberState.DEAD.ordinal()]);
  }

  /** This peer's node id. */
  public NodeId nodeId() {
    return identity.nodeId();
  }

  /** The address other peers reach this one at. */
  public InetSocketAddress advertised() {
    return advertised;
  }

  /** The client (Redis protocol) address, or null if the peer serves no clients. */
  public InetSocketAddress clientAddress() {
    return data.clientAddress();
  }

  /** The admin HTTP address, once started. */
  public InetSocketAddress adminAddress() {
    return admin.localAddress();
  }

  /** The warning to print when the cluster is open (no secret), or empty. */
  public Optional<String> openClusterWarning() {
    return security.openClusterWarning();
  }

  /** Whether mDNS discovery is running. */
  public boolean mdnsActive() {
    LanDiscovery current = discovery;
    return current != null && current.active();
  }

  /** The metrics registry this peer reports to (scraped by {@code /metrics}). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Leaves the cluster gracefully (waiting at most the configured leave timeout for the news to
   * spread) and stops everything. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    data.stopClients();
    try {
      boolean spread =
          loop.leaveAndClose(TimeUnit.MILLISECONDS.toNanos(config.leaveTimeoutMillis()));
      log.info(spread ? "left the cluster" : "stopped before the leave had spread everywhere");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
  }

  private void closeQuietly() {
    closed = true;
    loop.close();
    LanDiscovery currentDiscovery = discovery;
    if (currentDiscovery != null) {
      currentDiscovery.close();
    }
    AdminServer currentAdmin = admin;
    if (currentAdmin != null) {
      currentAdmin.close();
    }
    transport.close();
    data.close();
    registry.close();
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** Receives from the transport (on Netty threads) and queues for the node's thread. */
  private static final class Holder implements InboundSink {
    volatile Peer peer;

    @Override
    public void onDatagram(InetSocketAddress from, NodeId sender, Object message) {
      Peer current = peer;
      if (current != null) {
        current.countReceived(message);
        current.loop.submit(core -> core.onDatagram(from, message, current.loop.nanoTime()));
      }
    }

    @Override
    public void onFrame(InetSocketAddress from, NodeId sender, Object message) {
      Peer current = peer;
      if (current != null) {
        current.countReceived(message);
        if ((message instanceof DataMessage.Mutate || message instanceof DataMessage.Read)
            && current.data.serveInline(from, (DataMessage) message)) {
          return; // a replica write or read, served on this transport thread (ReplicaPath)
        }
        current.loop.submit(core -> core.onStream(from, message, current.loop.nanoTime()));
      }
    }
  }

  private void countReceived(Object message) {
    receivedByType
        .computeIfAbsent(typeName(message), metrics::messageType)
        .received(encodedSize(message));
  }

  private void countSent(Object message) {
    sentByType.computeIfAbsent(typeName(message), metrics::messageType).sent(encodedSize(message));
  }

  private static String typeName(Object message) {
    return TYPE_NAMES.get(message.getClass());
  }

  // Computed once per message class: per message, the two strings were a tenth of a loaded peer's
  // allocation.
  private static final ClassValue<String> TYPE_NAMES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          return type.getSimpleName().toLowerCase(Locale.ROOT);
        }
      };

  private static int encodedSize(Object message) {
    return message instanceof SwimMessage swim ? swim.encodedSizeBytes() : 0;
  }

  /** Hands the core's outputs to the transport; runs on the node's thread. */
  private static final class Output implements NodeOutput {
    private final NettyTransport transport;
    volatile Peer peer;
    NodeCore core;
    PeerData data;

    Output(NettyTransport transport) {
      this.transport = transport;
    }

    @Override
    public void sendDatagram(InetSocketAddress to, Object message) {
      SendResult result;
      try {
        result = transport.sendDatagram(to, message);
      } catch (IllegalArgumentException oversize) {
        // A reply too large for one datagram (a DHT answer with large records): dropped and
        // counted, as the network would; the protocols retry or ask elsewhere.
        if (peer != null) {
          peer.metrics.dropped("datagram_oversize");
        }
        return;
      }
      if (result.sent() && peer != null) {
        peer.countSent(message);
      }
    }

    @Override
    public void sendStream(InetSocketAddress to, Object message) {
      SendResult result;
      try {
        result = transport.sendFrame(to, message);
      } catch (IllegalArgumentException oversize) {
        // A state larger than the frame limit: dropped and counted; gossip still converges
        // through piggybacked updates.
        if (peer != null) {
          peer.metrics.dropped("frame_oversize");
        }
        return;
      }
      if (result.sent() && peer != null) {
        peer.countSent(message);
      }
    }

    @Override
    public void membershipChanged(MembershipEvent event) {
      Peer current = peer;
      if (current != null) {
        current.onMembershipEvent(event, core);
      }
    }

    @Override
    public void discoveryProgress(String what) {
      log.info(what);
    }

    @Override
    public void ringJoined() {
      data.markJoined();
    }

    @Override
    public void saveRing(List<org.ppdb.peer.replication.RingMember> members) {
      data.saveRing(members);
    }

    @Override
    public void dataProgress(String what) {
      log.info(what);
      if (core != null) {
        data.refresh(core);
      }
    }
  }
}
