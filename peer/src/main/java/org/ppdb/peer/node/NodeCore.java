package org.ppdb.peer.node;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.ppdb.dht.DhtMessage;
import org.ppdb.dht.DhtRecord;
import org.ppdb.dht.DhtResult;
import org.ppdb.dht.Kademlia;
import org.ppdb.dht.OperationStatus;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.gossip.MembershipView;
import org.ppdb.gossip.Swim;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.ScanPage;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.replication.DataConfig;
import org.ppdb.peer.replication.DataMessage;
import org.ppdb.peer.replication.DataOutput;
import org.ppdb.peer.replication.ReplicaStore;
import org.ppdb.peer.replication.ReplicationCore;
import org.ppdb.peer.replication.RingMember;
import org.ppdb.peer.ring.RingMetadata;

/**
 * One ppdb node's protocol state: the SWIM membership core and the Kademlia core, and the rules
 * that join them into a cluster. It is a state machine in the style of the cores it drives
 * (DESIGN.md principle 1): the host feeds it received messages, discovery hints and ticks with the
 * current time, and it answers through a {@link NodeOutput}. It owns no socket, thread or clock, so
 * the same code runs in a peer process under Netty ({@link NodeLoop}) and by the hundred in the
 * simulator.
 *
 * <p>How a node finds its cluster, in order:
 *
 * <ol>
 *   <li>Seeds: at {@link #start} it joins gossip through its seed addresses and bootstraps the DHT
 *       through the same addresses (gossip and DHT share the peer's port) and through its DHT-only
 *       seeds.
 *   <li>LAN hints: an mDNS answer or any other hint ({@link #onPeerHint}) about a node that gossip
 *       does not know as live becomes a gossip join through that address. Hints are only hints:
 *       admission is the authenticated exchange that follows.
 *   <li>Rendezvous: once the DHT is bootstrapped, the node announces itself under its cluster's key
 *       and reads the other providers there ({@link Kademlia#rendezvous}); each one gossip does not
 *       know yet is joined. While the node knows no other live member it repeats the rendezvous and
 *       its seeds every {@link NodeConfig#rendezvousRetryNanos()}.
 * </ol>
 *
 * <p>Until the DHT is bootstrapped, members that gossip reports as joined are offered to it as
 * bootstrap contacts, one bootstrap at a time, so a cluster formed on a LAN (by mDNS, without
 * seeds) also joins the DHT and can be found there.
 *
 * <p>Threading: not thread-safe. One thread (the node loop, or the simulator) makes every call.
 * Calls never re-enter: work that one core's output asks of the other core is queued and done
 * before the call returns.
 */
public final class NodeCore {

  /** Below this many DHT contacts, members learned through gossip are offered to the DHT. */
  static final int DHT_FEED_CONTACTS_MAX = 20;

  /** Most addresses a retried DHT bootstrap goes through (seeds first, then members). */
  static final int SEEDS_AND_MEMBERS_MAX = 8;

  private final NodeConfig config;
  private final NodeId id;
  private final NodeOutput output;
  private final Swim swim;
  private final Kademlia dht;
  private final InetSocketAddress advertised;
  private final org.ppdb.gossip.Outbox gossipOut = new GossipOut();
  private final org.ppdb.dht.Outbox dhtOut = new DhtOut();
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  private final ReplicationCore replication;

  private boolean started;
  private boolean left;
  private boolean dhtBootstrapped;
  private long bootstrapOperation = -1;
  private long rendezvousOperation = -1;
  private long nextRendezvousAt = Long.MAX_VALUE;
  private long now;

  private long droppedUnknownMessages;
  private long droppedBadAddresses;
  private long rendezvousFound;
  private long droppedBadMetadata;

  /**
   * @param config protocol settings and the addresses of this node and its seeds
   * @param id this node's id (the hash of its public key): the gossip member id and the DHT id
   * @param random this node's random stream; the core splits it between gossip and DHT
   * @param output where messages and events go
   */
  public NodeCore(NodeConfig config, NodeId id, RandomGenerator random, NodeOutput output) {
    this(config, id, random, output, null);
  }

  /**
   * A node with a data path: it places keys on the ring, coordinates requests and serves as a
   * replica ({@link ReplicationCore}).
   *
   * @param data the data path's settings, store and clock, or null for a membership-only node
   */
  public NodeCore(
      NodeConfig config, NodeId id, RandomGenerator random, NodeOutput output, DataPlane data) {
    this.config = Objects.requireNonNull(config, "config");
    this.id = Objects.requireNonNull(id, "id");
    this.output = Objects.requireNonNull(output, "output");
    this.advertised = config.advertised();
    RandomGenerator.SplittableGenerator splittable =
        random instanceof RandomGenerator.SplittableGenerator s
            ? s
            : new java.util.SplittableRandom(random.nextLong());
    this.swim =
        new Swim(
            config.swim(),
            Member.alive(MemberId.of(id.toBytes()), PeerAddresses.toGossip(advertised)),
            splittable.split());
    this.dht = new Kademlia(config.dht(), org.ppdb.dht.NodeId.fromBytes(id.toBytes()), splittable);
    this.replication =
        data == null
            ? null
            : new ReplicationCore(
                data.config(),
                id,
                advertised,
                data.store(),
                data.physicalMillis(),
                data.joinedBefore(),
                data.savedRing(),
                !config.seeds().isEmpty() || !config.dhtSeeds().isEmpty(),
                new DataOut());
  }

  /**
   * What a node needs for its data path.
   *
   * @param config replication, ring and limits
   * @param store the local replica (its callbacks run through {@link #runTask})
   * @param physicalMillis this node's wall clock in epoch milliseconds
   * @param joinedBefore whether this node served reads before (it skips bootstrap)
   * @param savedRing the ring members the node saved last time ({@link NodeOutput#saveRing})
   */
  public record DataPlane(
      DataConfig config,
      ReplicaStore store,
      LongSupplier physicalMillis,
      boolean joinedBefore,
      List<RingMember> savedRing) {
    public DataPlane {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(physicalMillis, "physicalMillis");
      savedRing = List.copyOf(savedRing);
    }

    /** A data plane without a saved ring (a first start). */
    public DataPlane(
        DataConfig config, ReplicaStore store, LongSupplier physicalMillis, boolean joinedBefore) {
      this(config, store, physicalMillis, joinedBefore, List.of());
    }
  }

  /** Joins through the seeds (or founds a cluster) and bootstraps the DHT. Call once. */
  public void start(long nowNanos) {
    if (started) {
      throw new IllegalStateException("start: already started");
    }
    started = true;
    now = nowNanos;
    if (replication != null) {
      replication.start(nowNanos); // publishes ring metadata before the join carries it
    }
    swim.join(gossipSeeds(), nowNanos, gossipOut);
    bootstrapDht(dhtSeeds(), nowNanos);
    nextRendezvousAt = nowNanos + config.rendezvousRetryNanos();
    drain();
  }

  /** Handles a datagram's message from the peer advertised at {@code from}. */
  public void onDatagram(InetSocketAddress from, Object message, long nowNanos) {
    onMessage(from, message, nowNanos);
  }

  /** Handles a stream message (gossip push-pull) from the peer advertised at {@code from}. */
  public void onStream(InetSocketAddress from, Object message, long nowNanos) {
    onMessage(from, message, nowNanos);
  }

  private void onMessage(InetSocketAddress from, Object message, long nowNanos) {
    if (!started) {
      droppedUnknownMessages++;
      return;
    }
    now = nowNanos;
    if (message instanceof SwimMessage swimMessage) {
      swim.onMessage(PeerAddresses.toGossip(from), swimMessage, nowNanos, gossipOut);
    } else if (message instanceof DhtMessage dhtMessage) {
      dht.onMessage(PeerAddresses.toDht(from), dhtMessage, nowNanos, dhtOut);
    } else if (message instanceof DataMessage dataMessage && replication != null) {
      replication.onMessage(from, dataMessage, nowNanos);
    } else {
      droppedUnknownMessages++;
    }
    drain();
  }

  /**
   * A discovery hint (mDNS answer, configured seed): a node of our cluster may be at {@code
   * address}. Joins through it unless gossip already knows that node as live.
   *
   * @param nodeId the node id the hint claims, or null when unknown
   */
  public void onPeerHint(InetSocketAddress address, NodeId nodeId, long nowNanos) {
    if (!started || left || address.equals(advertised)) {
      return;
    }
    now = nowNanos;
    if (nodeId != null) {
      MemberStatus status = swim.view().status(MemberId.of(nodeId.toBytes()));
      if (status == MemberStatus.ALIVE || status == MemberStatus.SUSPECT) {
        return;
      }
    }
    swim.join(List.of(PeerAddresses.toGossip(address)), nowNanos, gossipOut);
    drain();
  }

  /** Runs the timers that are due: probes, gossip, suspicion expiry, DHT timeouts, rendezvous. */
  public void onTick(long nowNanos) {
    if (!started) {
      return;
    }
    now = nowNanos;
    swim.onTick(nowNanos, gossipOut);
    dht.onTick(nowNanos, dhtOut);
    if (replication != null) {
      replication.onTick(nowNanos);
    }
    if (!left && nowNanos >= nextRendezvousAt) {
      nextRendezvousAt = nowNanos + config.rendezvousRetryNanos();
      if (!dhtBootstrapped) {
        // A bootstrap whose answers were all lost leaves the table empty; nothing in the DHT core
        // retries it, so the node does, through its seeds and a few members gossip knows.
        bootstrapDht(bootstrapContacts(), nowNanos);
      }
      if (swim.view().liveCount() <= 1) {
        retryWhileAlone(nowNanos);
      }
    }
    drain();
  }

  /** The earliest time at which {@link #onTick} has work to do. */
  public long nextDeadlineNanos() {
    if (!started) {
      return Long.MAX_VALUE;
    }
    long next = Math.min(swim.nextDeadlineNanos(), dht.nextDeadlineNanos());
    if (replication != null) {
      next = Math.min(next, replication.nextDeadlineNanos());
    }
    return left ? next : Math.min(next, nextRendezvousAt);
  }

  /** Leaves the cluster gracefully; keep ticking until {@link #leaveComplete()} or a time limit. */
  public void leave(long nowNanos) {
    if (!started || left) {
      return;
    }
    left = true;
    now = nowNanos;
    swim.leave(nowNanos, gossipOut);
    dht.unpublish(Kademlia.clusterKey(config.clusterName()), org.ppdb.dht.RecordKind.PROVIDER);
    drain();
  }

  /**
   * Whether the news of a {@link #leave} has been gossiped enough times, or there is no live member
   * left to tell.
   */
  public boolean leaveComplete() {
    return left && (swim.leaveDisseminated() || swim.view().liveCount() == 0);
  }

  private void retryWhileAlone(long nowNanos) {
    List<org.ppdb.gossip.Address> seeds = gossipSeeds();
    if (!seeds.isEmpty()) {
      swim.join(seeds, nowNanos, gossipOut);
    }
    if (dhtBootstrapped) {
      startRendezvous(nowNanos);
    }
  }

  private void bootstrapDht(List<InetSocketAddress> seeds, long nowNanos) {
    List<org.ppdb.dht.Address> addresses = new ArrayList<>(seeds.size());
    for (InetSocketAddress seed : seeds) {
      if (!seed.equals(advertised)) {
        addresses.add(PeerAddresses.toDht(seed));
      }
    }
    // One bootstrap at a time: each is a lookup of this node's id plus bucket refreshes, and a
    // burst of joins must not turn into a burst of them.
    if (!addresses.isEmpty()
        && bootstrapOperation < 0
        && dht.operationsRunning() < config.dht().operationsMax()) {
      bootstrapOperation = dht.bootstrap(addresses, nowNanos, dhtOut);
    }
  }

  private void startRendezvous(long nowNanos) {
    if (rendezvousOperation >= 0 || left) {
      return; // one at a time; the running one will report
    }
    if (dht.operationsRunning() >= config.dht().operationsMax()) {
      return;
    }
    rendezvousOperation = dht.rendezvous(config.clusterName(), new byte[0], nowNanos, dhtOut);
    output.discoveryProgress("rendezvous: looking for cluster '" + config.clusterName() + "'");
  }

  /** The seeds, then live members gossip knows, {@link #SEEDS_AND_MEMBERS_MAX} addresses in all. */
  private List<InetSocketAddress> bootstrapContacts() {
    List<InetSocketAddress> contacts = dhtSeeds();
    List<Member> members = swim.view().members();
    for (int i = 0; i < members.size() && contacts.size() < SEEDS_AND_MEMBERS_MAX; i++) {
      Member member = members.get(i);
      if (member.status() == MemberStatus.ALIVE && !member.id().equals(swim.self().id())) {
        InetSocketAddress address = PeerAddresses.fromGossip(member.address());
        if (address != null && !contacts.contains(address)) {
          contacts.add(address);
        }
      }
    }
    return contacts;
  }

  /** Every address the DHT may bootstrap through: the cluster's seeds and the DHT-only seeds. */
  private List<InetSocketAddress> dhtSeeds() {
    List<InetSocketAddress> all = new ArrayList<>(config.seeds());
    for (InetSocketAddress seed : config.dhtSeeds()) {
      if (!all.contains(seed)) {
        all.add(seed);
      }
    }
    return all;
  }

  private List<org.ppdb.gossip.Address> gossipSeeds() {
    List<org.ppdb.gossip.Address> seeds = new ArrayList<>(config.seeds().size());
    for (InetSocketAddress seed : config.seeds()) {
      if (!seed.equals(advertised)) {
        seeds.add(PeerAddresses.toGossip(seed));
      }
    }
    return seeds;
  }

  private void onDhtResult(DhtResult result) {
    if (result instanceof DhtResult.BootstrapResult bootstrap) {
      if (bootstrap.operationId() == bootstrapOperation) {
        bootstrapOperation = -1;
      }
      if (bootstrap.status() == OperationStatus.COMPLETED && bootstrap.routingTableSize() > 0) {
        boolean first = !dhtBootstrapped;
        dhtBootstrapped = true;
        if (first) {
          output.discoveryProgress(
              "dht: bootstrapped, " + bootstrap.routingTableSize() + " contacts");
          startRendezvous(now);
        }
      }
    } else if (result instanceof DhtResult.RendezvousResult rendezvous
        && rendezvous.operationId() == rendezvousOperation) {
      rendezvousOperation = -1;
      List<org.ppdb.gossip.Address> unknown = new ArrayList<>();
      for (DhtRecord provider : rendezvous.providers()) {
        MemberId member = MemberId.of(provider.publisher().id().toBytes());
        MemberStatus status = swim.view().status(member);
        if (status != MemberStatus.ALIVE && status != MemberStatus.SUSPECT) {
          InetSocketAddress address = PeerAddresses.fromDht(provider.publisher().address());
          if (!address.equals(advertised)) {
            unknown.add(PeerAddresses.toGossip(address));
          }
        }
      }
      rendezvousFound += unknown.size();
      output.discoveryProgress(
          "rendezvous: "
              + rendezvous.providers().size()
              + " providers of cluster '"
              + config.clusterName()
              + "', "
              + unknown.size()
              + " not yet members");
      if (!unknown.isEmpty() && !left) {
        int limit = Math.min(unknown.size(), config.swim().seedsMax());
        swim.join(unknown.subList(0, limit), now, gossipOut);
      }
    }
  }

  private void onMembershipEvent(MembershipEvent event) {
    if (replication != null) {
      replication.onMembers(ringMembers(), now);
    }
    output.membershipChanged(event);
    if (event.kind() == MembershipEvent.Kind.JOINED
        && !left
        && !dhtBootstrapped
        && dht.routingTable().size() < DHT_FEED_CONTACTS_MAX) {
      InetSocketAddress address = PeerAddresses.fromGossip(event.member().address());
      if (address == null) {
        droppedBadAddresses++;
      } else if (!address.equals(advertised)) {
        bootstrapDht(List.of(address), now);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Data path (a node built with a DataPlane)

  /** Reads {@code key} at {@code consistency}; the future completes on the node's thread. */
  public CompletableFuture<Optional<StoredValue>> get(
      byte[] key, Consistency consistency, long nowNanos) {
    return get(key, consistency, nowNanos, null);
  }

  /**
   * Reads {@code key} at {@code consistency} with this peer's own replica's answer already taken
   * ({@code local}, may be null); the future completes on the node's thread.
   */
  public CompletableFuture<Optional<StoredValue>> get(
      byte[] key, Consistency consistency, long nowNanos, ReplicationCore.LocalAnswer local) {
    CompletableFuture<Optional<StoredValue>> result =
        data(nowNanos).read(key, consistency, nowNanos, local);
    drain();
    return result;
  }

  /**
   * Writes a record this peer's replica already applied ({@link ReplicationCore#write(
   * ReplicationCore.WrittenAhead, Consistency, long)}); completes with its version on the node's
   * thread.
   */
  public CompletableFuture<Long> write(
      ReplicationCore.WrittenAhead ahead, Consistency consistency, long nowNanos) {
    CompletableFuture<Long> result = data(nowNanos).write(ahead, consistency, nowNanos);
    drain();
    return result;
  }

  /**
   * Writes {@code key -> value} (value null: a tombstone) with its client's version (0: this peer's
   * clock stamps it), as {@link ReplicationCore#write(byte[], byte[], long, long, Consistency,
   * long)}; completes with the version written on the node's thread.
   */
  public CompletableFuture<Long> writeVersioned(
      byte[] key,
      byte[] value,
      long expiresAtMillis,
      long clientVersion,
      Consistency consistency,
      long nowNanos) {
    CompletableFuture<Long> result =
        data(nowNanos).write(key, value, expiresAtMillis, clientVersion, consistency, nowNanos);
    drain();
    return result;
  }

  /** A page of the cluster-wide key scan; completes on the node's thread. */
  public CompletableFuture<ScanPage> scan(
      byte[] afterKey, int limit, Consistency consistency, long nowNanos) {
    CompletableFuture<ScanPage> result =
        data(nowNanos).scan(afterKey, limit, consistency, nowNanos);
    drain();
    return result;
  }

  /**
   * Runs a completion of the local store (or any task the host queues for the node) on the node's
   * thread, then the work it caused.
   */
  public void runTask(Runnable task, long nowNanos) {
    now = nowNanos;
    task.run();
    drain();
  }

  /** The data path, or null for a membership-only node. */
  public ReplicationCore replication() {
    return replication;
  }

  private ReplicationCore data(long nowNanos) {
    if (replication == null) {
      throw new IllegalStateException("this node has no data path (built without a DataPlane)");
    }
    if (!started) {
      throw new IllegalStateException("the node has not started");
    }
    now = nowNanos;
    return replication;
  }

  /** The membership as the data path needs it. */
  private List<RingMember> ringMembers() {
    List<Member> all = swim.view().members();
    List<RingMember> result = new ArrayList<>(all.size());
    for (Member member : all) {
      RingMetadata ring;
      try {
        ring = RingMetadata.decode(member.metadata());
      } catch (IllegalArgumentException e) {
        droppedBadMetadata++;
        ring = null;
      }
      result.add(
          new RingMember(
              NodeId.of(member.id().toBytes()),
              PeerAddresses.fromGossip(member.address()),
              member.status().name().toLowerCase(java.util.Locale.ROOT),
              ring));
    }
    return result;
  }

  /** Members whose metadata is not ring metadata of a known format (they own no ranges). */
  public long droppedBadMetadata() {
    return droppedBadMetadata;
  }

  /** Runs the work queued by the cores' outputs, until none is left. */
  private void drain() {
    Runnable next;
    int steps = 0;
    while ((next = deferred.poll()) != null) {
      next.run();
      if (++steps > 1_000_000) {
        throw new IllegalStateException("drain: more than 1,000,000 deferred steps in one call");
      }
    }
  }

  /** This node's id. */
  public NodeId id() {
    return id;
  }

  /** The address other peers reach this node at. */
  public InetSocketAddress advertised() {
    return advertised;
  }

  /** The membership as this node sees it (a live view: read it on the node's thread). */
  public MembershipView members() {
    return swim.view();
  }

  /** The gossip core, for diagnostics and metrics. */
  public Swim swim() {
    return swim;
  }

  /** The DHT core, for diagnostics and metrics. */
  public Kademlia dht() {
    return dht;
  }

  /** Messages of a type this node does not handle, or received before {@link #start}. */
  public long droppedUnknownMessages() {
    return droppedUnknownMessages;
  }

  /** Members whose advertised address is not a literal IP address, so it cannot be dialled. */
  public long droppedBadAddresses() {
    return droppedBadAddresses;
  }

  /** Members found through the DHT rendezvous that gossip did not know yet. */
  public long rendezvousFound() {
    return rendezvousFound;
  }

  private final class GossipOut implements org.ppdb.gossip.Outbox {
    @Override
    public void send(org.ppdb.gossip.Address to, SwimMessage message) {
      InetSocketAddress address = PeerAddresses.fromGossip(to);
      if (address == null) {
        droppedBadAddresses++;
        return;
      }
      if (message instanceof SwimMessage.PushPull) {
        output.sendStream(address, message);
      } else {
        output.sendDatagram(address, message);
      }
    }

    @Override
    public void event(MembershipEvent event) {
      deferred.add(() -> onMembershipEvent(event));
    }
  }

  private final class DhtOut implements org.ppdb.dht.Outbox {
    @Override
    public void send(org.ppdb.dht.Address to, DhtMessage message) {
      output.sendDatagram(PeerAddresses.fromDht(to), message);
    }

    @Override
    public void complete(DhtResult result) {
      deferred.add(() -> onDhtResult(result));
    }
  }

  private final class DataOut implements DataOutput {
    @Override
    public void sendData(InetSocketAddress to, DataMessage message) {
      output.sendStream(to, message);
    }

    @Override
    public void publishRing(RingMetadata metadata) {
      if (!left) {
        swim.updateMetadata(metadata.encode(), now, gossipOut);
      }
    }

    @Override
    public void ringJoined() {
      output.ringJoined();
    }

    @Override
    public void dataProgress(String what) {
      output.dataProgress(what);
    }

    @Override
    public void saveRing(List<RingMember> members) {
      output.saveRing(members);
    }
  }
}
