package org.ppdb.peer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.peer.node.NodeLoop;
import org.ppdb.peer.replication.DataConfig;
import org.ppdb.peer.replication.DataMessage;
import org.ppdb.peer.replication.EngineReplicaStore;
import org.ppdb.peer.replication.LocalPath;
import org.ppdb.peer.replication.ReplicaPath;
import org.ppdb.peer.replication.ReplicatedKeyValueService;
import org.ppdb.peer.replication.ReplicationCore;
import org.ppdb.peer.replication.RingMember;
import org.ppdb.peer.resp.PeerInfoSource;
import org.ppdb.peer.resp.ProtectedMode;
import org.ppdb.peer.resp.RespConfig;
import org.ppdb.peer.resp.RespServer;
import org.ppdb.peer.resp.TopologyEntry;
import org.ppdb.peer.ring.RingMetadata;
import org.ppdb.peer.ring.TokenRange;
import org.ppdb.peer.ring.TokenRing;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.memory.MemoryOptions;
import org.ppdb.storage.memory.MemoryStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's data side, assembled: the local storage engine and its bounded executor, the replica
 * store over them, the Redis-protocol client server, and the published view of the ring that INFO,
 * PPDB.RING and PPDB.TOPOLOGY answer from. {@link Peer} owns one.
 *
 * <p>Start order: engine, client port (bound first so that its real port goes into the ring
 * metadata), then the node is built with {@link #dataPlane()} and {@link #attach}ed. Close order:
 * {@link #stopClients()} before the node leaves, {@link #close()} after it stopped.
 *
 * <p>Thread safety: the ring view is a volatile snapshot refreshed on the node's thread and read by
 * client event loops; the rest is set up once.
 */
final class PeerData implements PeerInfoSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerData.class);

  /** File in the data directory whose presence says this peer served reads before. */
  static final String JOINED_MARKER = "ring-joined";

  /** File in the data directory with the ring members last known: {@code id host port metadata}. */
  static final String RING_FILE = "ring-members";

  /** Most members read back from {@link #RING_FILE}. */
  static final int RING_MEMBERS_MAX = 100_000;

  /**
   * Threads running storage calls: one per core, at least two (the LSM engine's group commit
   * gathers their writes; more threads than cores only add hand-offs).
   */
  static final int STORAGE_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  /** Storage calls waiting for a thread; more are refused as overload. */
  static final int STORAGE_QUEUE_MAX = 65_536;

  private final PeerConfig config;
  private final StorageEngine engine;

  /** Held for the registry, which references the meters' source only weakly. */
  private org.ppdb.peer.admin.StorageMeters storageMeters;

  private final ThreadPoolExecutor storageExecutor;
  private final ReplicatedKeyValueService service = new ReplicatedKeyValueService();
  private RespServer clients;
  private InetSocketAddress clientAddress;
  private final boolean joinedBefore;
  private volatile NodeLoop loop;
  private volatile ReplicationCore replication;
  private volatile RingView view = RingView.EMPTY;
  private EngineReplicaStore replicaStore;
  private volatile LocalPath localPath;
  private volatile ReplicaPath replicaPath;

  /** What client commands see of the ring; immutable. */
  record RingView(
      List<RingMember> members,
      TokenRing<NodeId> readRing,
      RingMetadata.State state,
      NodeId self,
      int requestsInFlight) {
    static final RingView EMPTY =
        new RingView(List.of(), null, RingMetadata.State.JOINING, null, 0);
  }

  private PeerData(
      PeerConfig config,
      StorageEngine engine,
      ThreadPoolExecutor storageExecutor,
      RespServer clients,
      InetSocketAddress clientAddress,
      boolean joinedBefore) {
    this.config = config;
    this.engine = engine;
    this.storageExecutor = storageExecutor;
    this.clients = clients;
    this.clientAddress = clientAddress;
    this.joinedBefore = joinedBefore;
  }

  /** Opens the engine and binds the client port. */
  static PeerData open(PeerConfig config) throws IOException {
    DataSettings settings = config.data();
    StorageEngine engine;
    boolean joined;
    if (settings.storage() == DataSettings.StorageKind.MEMORY) {
      engine =
          MemoryStorage.open(
              MemoryOptions.builder().memoryBytes(settings.maxMemoryBytes()).build());
      joined = false; // nothing survives a restart: stream the ranges again
      log.info(
          "storage: in-memory engine, bounded to {} MiB (evicts when full; empty after a restart)",
          settings.maxMemoryBytes() >> 20);
    } else {
      Path directory = config.dataDirectory().resolve("lsm");
      engine =
          LsmStorage.open(
              directory,
              LsmOptions.builder()
                  .syncPolicy(settings.syncPolicy())
                  .compression(settings.compression())
                  .memtableBytes(settings.memtableBytes())
                  .build());
      joined = Files.exists(config.dataDirectory().resolve(JOINED_MARKER));
      log.info(
          "storage: LSM engine in {} (WAL sync {}, compression {}, memtable {} MiB)",
          directory,
          settings.walSync().name().toLowerCase(Locale.ROOT),
          settings.compression().name().toLowerCase(Locale.ROOT),
          settings.memtableBytes() >> 20);
    }
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            STORAGE_THREADS,
            STORAGE_THREADS,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(STORAGE_QUEUE_MAX),
            r -> {
              Thread t = new Thread(r, "ppdb-storage");
              t.setDaemon(true);
              return t;
            });
    RespServer server = null;
    InetSocketAddress bound = null;
    PeerData data = new PeerData(config, engine, executor, null, null, joined);
    try {
      if (settings.clientPort() >= 0) {
        ProtectedMode.ClientBind bind =
            ProtectedMode.resolve(settings.clientBind(), settings.requirePass() != null);
        RespConfig.Builder resp =
            RespConfig.builder()
                .protectedMode(bind.protectedMode())
                .defaultConsistency(settings.consistency());
        if (settings.requirePass() != null) {
          resp.password(settings.requirePass());
        }
        server = new RespServer(resp.build(), data.service, data, System::currentTimeMillis);
        bound = server.start(new InetSocketAddress(bind.host(), settings.clientPort()));
        log.info(
            "client (Redis protocol) on {}:{}{}",
            bound.getAddress().getHostAddress(),
            bound.getPort(),
            bind.protectedMode()
                ? " (protected mode: loopback only; set --requirepass or --client-bind to open it)"
                : "");
      } else {
        log.info("client port off (--client-port -1)");
      }
      data.clients = server;
      data.clientAddress = bound;
      return data;
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      executor.shutdownNow();
      engine.close();
      if (e instanceof UncheckedIOException io) {
        throw new IOException("client port " + settings.clientPort() + ": " + io.getMessage(), io);
      }
      throw e;
    }
  }

  /** What the node needs for its data path. */
  NodeCore.DataPlane dataPlane() {
    DataSettings settings = config.data();
    DataConfig dataConfig =
        DataConfig.defaults(
            settings.replicationFactor(),
            settings.tokens(),
            clientAddress == null ? 0 : clientAddress.getPort());
    replicaStore =
        new EngineReplicaStore(
            engine,
            storageExecutor,
            task -> {
              NodeLoop current = loop;
              if (current != null) {
                current.submitCompletion(task);
              }
            },
            System::currentTimeMillis);
    return new NodeCore.DataPlane(
        dataConfig, replicaStore, System::currentTimeMillis, joinedBefore, loadRing());
  }

  /** The ring members saved by the last run, or none (a bad file is reported and ignored). */
  List<RingMember> loadRing() {
    Path file = config.dataDirectory().resolve(RING_FILE);
    if (!Files.exists(file)) {
      return List.of();
    }
    List<RingMember> members = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.strip().split(" ");
        if (parts.length != 4 || members.size() >= RING_MEMBERS_MAX) {
          throw new IllegalArgumentException("line '" + line + "'");
        }
        members.add(
            new RingMember(
                NodeId.fromHex(parts[0]),
                new InetSocketAddress(
                    java.net.InetAddress.getByName(parts[1]), Integer.parseInt(parts[2])),
                "unknown",
                RingMetadata.decode(java.util.HexFormat.of().parseHex(parts[3]))));
      }
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring {} ({}): the ring is learned from gossip alone", file, e.getMessage());
      return List.of();
    }
    log.info("ring: {} members known from the last run", members.size());
    return members;
  }

  /** Saves the ring members (atomically: a crash leaves the old or the new file). */
  void saveRing(List<RingMember> members) {
    StringBuilder text = new StringBuilder("# ppdb ring members: id host port metadata-hex\n");
    for (RingMember member : members) {
      if (member.address() == null || member.ring() == null) {
        continue;
      }
      text.append(member.id().toHex())
          .append(' ')
          .append(member.address().getAddress().getHostAddress())
          .append(' ')
          .append(member.address().getPort())
          .append(' ')
          .append(java.util.HexFormat.of().formatHex(member.ring().encode()))
          .append('\n');
    }
    Path file = config.dataDirectory().resolve(RING_FILE);
    Path temp = config.dataDirectory().resolve(RING_FILE + ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(
          temp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("could not save {}: {}", file, e.toString());
    }
  }

  /** Connects the client service to the node (called before the loop starts). */
  void attach(
      NodeLoop nodeLoop, NodeCore core, BiConsumer<InetSocketAddress, DataMessage> sendToPeer) {
    this.loop = nodeLoop;
    ReplicationCore r = core.replication();
    this.replication = r;
    // Requests this peer answers alone skip the node's thread; writes only when the engine does not
    // sync its log per write (an fsync must not hold up a client event loop).
    boolean inlineWrites =
        config.data().storage() == DataSettings.StorageKind.MEMORY
            || config.data().walSync() != DataSettings.WalSync.ALWAYS;
    localPath =
        new LocalPath(
            r::localPlacement,
            r.clock(),
            replicaStore,
            System::currentTimeMillis,
            inlineWrites,
            io.netty.util.internal.ThreadExecutorMap::currentExecutor);
    service.attach(nodeLoop, localPath);
    replicaPath =
        new ReplicaPath(
            r.clock(),
            replicaStore,
            sendToPeer,
            inlineWrites,
            io.netty.util.internal.ThreadExecutorMap::currentExecutor);
  }

  /**
   * Applies a replica write or answers a replica read received from {@code from} on the transport
   * thread that received it; false when the message must be queued for the node's thread instead.
   */
  boolean serveInline(InetSocketAddress from, DataMessage message) {
    ReplicaPath path = replicaPath;
    if (path == null) {
      return false;
    }
    if (message instanceof DataMessage.Mutate mutate) {
      return path.tryServe(from, mutate);
    }
    if (message instanceof DataMessage.Read read) {
      path.serve(from, read);
      return true;
    }
    return false;
  }

  /** Refreshes the ring view; on the node's thread. */
  void refresh(NodeCore core) {
    ReplicationCore r = core.replication();
    if (r != null) {
      view =
          new RingView(
              List.copyOf(r.ringMembers()),
              r.readRing(),
              r.state(),
              core.id(),
              r.requestsInFlight());
    }
  }

  /** Remembers that this peer serves reads, so a restart skips bootstrap. */
  void markJoined() {
    if (config.data().storage() != DataSettings.StorageKind.LSM) {
      return;
    }
    // A flush may take seconds: it runs on a storage thread, not the node's. Until the marker is
    // written a restart simply bootstraps again, which is safe.
    try {
      storageExecutor.execute(this::writeJoinedMarker);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.warn(
          "could not write {} (a restart will bootstrap again): {}", JOINED_MARKER, e.toString());
    }
  }

  private void writeJoinedMarker() {
    try {
      engine.flush(); // streamed data on disk before the marker claims it
      Path marker = config.dataDirectory().resolve(JOINED_MARKER);
      Files.writeString(marker, "joined the ring\n", StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "could not write {} (a restart will bootstrap again): {}", JOINED_MARKER, e.toString());
    }
  }

  InetSocketAddress clientAddress() {
    return clientAddress;
  }

  void bindMetrics(MeterRegistry registry) {
    counter(
        registry,
        "ppdb.data.writes",
        "Writes acknowledged at their level",
        c -> c.counters().writes() + local(LocalPath::writes));
    counter(
        registry,
        "ppdb.data.writes.indeterminate",
        "Writes that timed out or failed on replicas: they may or may not have been applied",
        c -> c.counters().writesIndeterminate() + local(LocalPath::writesIndeterminate));
    counter(
        registry,
        "ppdb.data.reads",
        "Reads answered",
        c -> c.counters().reads() + local(LocalPath::reads));
    counter(
        registry,
        "ppdb.data.reads.failed",
        "Reads that timed out or failed",
        c -> c.counters().readsFailed() + local(LocalPath::readsFailed));
    counter(
        registry,
        "ppdb.data.local.requests",
        "Reads and writes this peer answered alone on the client's thread (one replica)",
        c -> local(LocalPath::reads) + local(LocalPath::writes));
    counter(
        registry,
        "ppdb.data.local.ahead",
        "This peer's own replica reads and writes done on the client's thread, ahead of the"
            + " coordinator",
        c -> local(LocalPath::readsAhead) + local(LocalPath::writesAhead));
    counter(
        registry,
        "ppdb.data.replica.inline",
        "Replica writes and reads served on the transport's event loop",
        c -> {
          ReplicaPath path = replicaPath;
          return path == null ? 0 : path.writes() + path.repairs() + path.reads();
        });
    counter(
        registry,
        "ppdb.data.unavailable",
        "Requests refused because too few replicas were reachable",
        c -> c.counters().unavailable());
    counter(
        registry,
        "ppdb.data.overloaded",
        "Requests refused at the in-flight limit",
        c -> c.counters().overloaded());
    counter(
        registry,
        "ppdb.data.versions.rejected",
        "Writes refused for their client version (not a version, or too far ahead of our clock)",
        c -> c.counters().versionsRejected());
    counter(
        registry,
        "ppdb.data.read.repairs",
        "Stale replicas repaired by reads",
        c -> c.counters().readRepairs());
    counter(
        registry,
        "ppdb.data.replica.rejected",
        "Replica operations refused at the local limit",
        c -> c.counters().replicaRejected());
    counter(
        registry,
        "ppdb.data.stream.failures",
        "Bootstrap stream batches that failed",
        c -> c.counters().streamFailures());
    counter(
        registry,
        "ppdb.clock.skew.warnings",
        "Versions from peers whose clock runs ahead of ours by more than the bound",
        c -> c.clock().skewWarnings());
    gauge(
        registry,
        "ppdb.clock.remote.ahead.max.ms",
        "Largest lead of a peer's clock over ours",
        c -> c.clock().maxRemoteAheadMillis());
    gauge(
        registry,
        "ppdb.data.requests.in.flight",
        "Requests being coordinated",
        c -> view.requestsInFlight());
    gauge(
        registry,
        "ppdb.bootstrap.ranges.done",
        "Ranges streamed while joining",
        c -> c.bootstrapRanges()[0]);
    gauge(
        registry,
        "ppdb.bootstrap.ranges.total",
        "Ranges to stream while joining",
        c -> c.bootstrapRanges()[1]);
    gauge(
        registry,
        "ppdb.bootstrap.records",
        "Records received while joining",
        c -> c.bootstrapRecords());
    gauge(
        registry,
        "ppdb.ring.serving",
        "1 when this peer serves reads (NORMAL), 0 while joining",
        c -> view.state() == RingMetadata.State.NORMAL ? 1 : 0);
    Gauge.builder("ppdb.storage.queue", storageExecutor, e -> e.getQueue().size())
        .description("Storage calls waiting for a thread")
        .register(registry);
    storageMeters =
        org.ppdb.peer.admin.StorageMeters.bind(registry, engine::stats, System::nanoTime);
  }

  private long local(java.util.function.ToLongFunction<LocalPath> counter) {
    LocalPath path = localPath;
    return path == null ? 0 : counter.applyAsLong(path);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<ReplicationCore> value) {
    FunctionCounter.builder(
            name, this, d -> d.replication == null ? 0 : value.applyAsDouble(d.replication))
        .description(description)
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<ReplicationCore> value) {
    Gauge.builder(name, this, d -> d.replication == null ? 0 : value.applyAsDouble(d.replication))
        .description(description)
        .register(registry);
  }

  // ---------------------------------------------------------------------------------------------
  // PeerInfoSource (client event loops; answers from the published view)

  @Override
  public List<InfoField> infoFields() {
    RingView v = view;
    List<InfoField> fields = new ArrayList<>();
    fields.add(new InfoField("node_id", v.self() == null ? "" : v.self().toHex()));
    fields.add(new InfoField("ring_state", v.state().name().toLowerCase(Locale.ROOT)));
    fields.add(
        new InfoField("replication_factor", Integer.toString(config.data().replicationFactor())));
    fields.add(new InfoField("tokens_per_member", Integer.toString(config.data().tokens())));
    int serving = v.readRing() == null ? 0 : v.readRing().members().size();
    long alive = v.members().stream().filter(RingMember::reachable).count();
    fields.add(new InfoField("ring_members", Integer.toString(v.members().size())));
    fields.add(new InfoField("ring_serving", Integer.toString(serving)));
    fields.add(new InfoField("members_reachable", Long.toString(alive)));
    fields.add(new InfoField("storage", config.data().storage().name().toLowerCase(Locale.ROOT)));
    fields.add(new InfoField("requests_in_flight", Integer.toString(v.requestsInFlight())));
    return fields;
  }

  @Override
  public List<String> ringDescription() {
    RingView v = view;
    List<String> lines = new ArrayList<>();
    TokenRing<NodeId> ring = v.readRing();
    lines.add(
        "replication factor "
            + config.data().replicationFactor()
            + ", "
            + (ring == null ? 0 : ring.members().size())
            + " serving members, "
            + (ring == null ? 0 : ring.tokenCount())
            + " tokens");
    Map<NodeId, Double> share = ring == null ? Map.of() : ring.replicaShare();
    Map<NodeId, Integer> ranges = new java.util.TreeMap<>();
    if (ring != null) {
      for (TokenRange<NodeId> range : ring.ranges()) {
        if (!range.replicas().isEmpty()) {
          ranges.merge(range.replicas().get(0), 1, Integer::sum);
        }
      }
    }
    for (RingMember member : v.members()) {
      String id = member.id().toHex();
      double load = share.getOrDefault(member.id(), 0.0);
      lines.add(
          String.format(
              Locale.ROOT,
              "%s %s %s %s primary_ranges=%d replica_share=%.1f%%%s",
              id.substring(0, 12),
              member.address() == null ? "?" : hostPort(member.address()),
              member.ring() == null
                  ? "none"
                  : member.ring().state().name().toLowerCase(Locale.ROOT),
              member.status(),
              ranges.getOrDefault(member.id(), 0),
              100 * load,
              member.id().equals(v.self()) ? " (this peer)" : ""));
    }
    return lines;
  }

  @Override
  public List<TopologyEntry> topology() {
    RingView v = view;
    List<TopologyEntry> entries = new ArrayList<>();
    for (RingMember member : v.members()) {
      RingMetadata ring = member.ring();
      if (ring == null || ring.clientPort() == 0 || member.address() == null) {
        continue;
      }
      String status =
          switch (member.status()) {
            case "alive" -> TopologyEntry.STATUS_ALIVE;
            case "suspect" -> TopologyEntry.STATUS_SUSPECT;
            default -> TopologyEntry.STATUS_DEAD;
          };
      String host =
          member.id().equals(v.self())
                  && clientAddress != null
                  && !clientAddress.getAddress().isAnyLocalAddress()
              ? clientAddress.getAddress().getHostAddress()
              : member.address().getAddress().getHostAddress();
      entries.add(
          new TopologyEntry(
              member.id().toHex(),
              host,
              ring.clientPort(),
              ring.state() == RingMetadata.State.NORMAL
                  ? TopologyEntry.STATE_NORMAL
                  : TopologyEntry.STATE_JOINING,
              status,
              ring.tokens()));
    }
    return entries;
  }

  @Override
  public int replicationFactor() {
    return config.data().replicationFactor();
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** Stops accepting client commands (before the node leaves). */
  void stopClients() {
    if (clients != null) {
      clients.close();
    }
  }

  /** Closes the client server, the storage executor and the engine. Idempotent. */
  @Override
  public void close() {
    stopClients();
    storageExecutor.shutdown();
    try {
      if (!storageExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
        storageExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      engine.close();
    } catch (RuntimeException e) {
      log.warn("closing the storage engine: {}", e.toString());
    }
  }
}
