package org.ppdb.dht;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.ppdb.dht.DhtMessage.FindNode;
import org.ppdb.dht.DhtMessage.FindValue;
import org.ppdb.dht.DhtMessage.Nodes;
import org.ppdb.dht.DhtMessage.Ping;
import org.ppdb.dht.DhtMessage.Pong;
import org.ppdb.dht.DhtMessage.Store;
import org.ppdb.dht.DhtMessage.StoreAck;
import org.ppdb.dht.DhtMessage.Values;
import org.ppdb.dht.DhtResult.BootstrapResult;
import org.ppdb.dht.DhtResult.FindValueResult;
import org.ppdb.dht.DhtResult.LookupResult;
import org.ppdb.dht.DhtResult.RendezvousResult;
import org.ppdb.dht.DhtResult.StoreResult;

/**
 * One Kademlia DHT node as a pure state machine: no socket, thread, clock or unseeded randomness.
 *
 * <h2>The algorithm</h2>
 *
 * Kademlia (Maymounkov and Mazieres, "Kademlia: A Peer-to-peer Information System Based on the XOR
 * Metric", IPTPS 2002) gives every node and key a 160-bit id and measures closeness by XOR. Each
 * node keeps a {@link RoutingTable} of k-buckets: bucket i holds up to k contacts whose ids share
 * exactly i leading bits with the own id, least-recently seen first. A bucket never drops a live
 * old contact for a new one (old contacts are the likeliest to stay, section 2.2): when a new
 * verified contact meets a full bucket it waits in the bucket's replacement cache while the least
 * recently seen contact is pinged, and replaces it only if that ping times out (section 4.1).
 *
 * <p>A lookup of a target asks the alpha closest known contacts for their k closest, merges the
 * answers into a shortlist, and keeps asking the closest not yet asked until the k closest it has
 * seen have all answered ({@link Lookup}). A contact that times out is dropped from the lookup and
 * never asked again by it. With {@link DhtConfig#disjointPaths()} d &gt; 1 the lookup runs d paths
 * that never share a node (S/Kademlia, Baumgart and Mies, ICPADS 2007, section 4.4).
 *
 * <p>Records (values and provider announcements) are stored at the k closest nodes to their key by
 * STORE, expire after {@link DhtConfig#recordTtlNanos()} and are republished by their publisher
 * every {@link DhtConfig#republishIntervalNanos()} (only the publisher republishes: it alone knows
 * the record is still wanted). A bucket that has not seen a lookup in its range for {@link
 * DhtConfig#refreshIntervalNanos()} is refreshed by a lookup of a random id in its range.
 *
 * <p>Cluster rendezvous: a ppdb peer announces itself as a provider under {@link
 * #clusterKey(String) SHA-1("ppdb-cluster/" + name)}. A new peer bootstraps from one seed address
 * (asks it for nodes close to its own id, then looks its own id up and refreshes its far buckets,
 * section 2.3), then {@link #rendezvous} finds the other providers and announces itself.
 *
 * <p>Sybil and eclipse hygiene, after Ethereum's discv5 (devp2p discv5-theory, "Sybil and Eclipse
 * attacks"): at most {@link DhtConfig#contactsPerSubnetPerBucketMax()} contacts of one IPv4 /24
 * (IPv6 /64) per bucket and {@link DhtConfig#contactsPerSubnetPerTableMax()} per table; a node
 * enters the table only after it answered a request of ours (a sender of an unsolicited request is
 * pinged first); responses must echo a random 64-bit rpc id and come from the address asked; every
 * message field is checked against the configured limits; every collection is bounded.
 *
 * <h2>Driving it</h2>
 *
 * The host calls {@link #onMessage} for every received message, {@link #onTick} when time passes
 * (at the latest at {@link #nextDeadlineNanos()}; a tick before it does nothing), and starts
 * operations ({@link #bootstrap}, {@link #lookup}, {@link #findValue}, {@link #findProviders},
 * {@link #store}, {@link #announceProvider}, {@link #rendezvous}); each returns an operation id,
 * and the result arrives later through {@link Outbox#complete} with that id. Messages to send go to
 * {@link Outbox#send}. Times are the host's monotonic clock in nanoseconds, never decreasing.
 *
 * <p>Cost: an idle node holds its table (about 100 bytes per distinct contact shared with other
 * nodes, plus about 13 bytes per table slot) and a few empty maps; {@link #onTick} with nothing due
 * is O(1). A request is answered in O(table size) at most. Not thread-safe: one thread (the node's
 * event loop, or the simulator) calls everything.
 */
public final class Kademlia {

  private static final byte LOOKUP_REQUEST = 0;
  private static final byte SEED_REQUEST = 1;
  private static final byte STORE_REQUEST = 2;
  private static final byte EVICTION_PING = 3;
  private static final byte VERIFICATION_PING = 4;

  /** The prefix of the rendezvous key of a cluster, before the cluster's name. */
  public static final String CLUSTER_KEY_PREFIX = "ppdb-cluster/";

  private enum Kind {
    BOOTSTRAP,
    LOOKUP,
    FIND_VALUE,
    FIND_PROVIDERS,
    STORE,
    RENDEZVOUS,
    REFRESH,
    REPUBLISH
  }

  /** A request of ours waiting for its answer. */
  private static final class Pending {
    final long rpcId;
    final byte kind;
    final Address to;
    final NodeId expectedId;
    final Contact contact;
    final Operation op;
    final int path;
    final Lookup.Entry entry;
    final long deadlineNanos;

    Pending(
        long rpcId,
        byte kind,
        Address to,
        Contact contact,
        Operation op,
        int path,
        Lookup.Entry entry,
        long deadlineNanos) {
      this.rpcId = rpcId;
      this.kind = kind;
      this.to = to;
      this.contact = contact;
      this.expectedId = contact == null ? null : contact.id();
      this.op = op;
      this.path = path;
      this.entry = entry;
      this.deadlineNanos = deadlineNanos;
    }
  }

  /** A running operation. */
  private static final class Operation {
    final long id;
    final Kind kind;
    final NodeId target;
    final boolean report;
    final long startedNanos;
    Lookup lookup;
    boolean lookupDone;
    boolean finished;
    int extraRequests;
    int extraResponses;
    int extraTimeouts;
    // Bootstrap: the seed phase.
    int seedsPending;
    int seedsAnswered;
    List<Contact> seedsThatAnswered;
    List<Contact> seedLearned;
    // Publications: the store phase.
    RecordKind recordKind;
    byte[] value;
    int storesPending;
    int stored;
    List<Contact> closest = List.of();
    String clusterName;

    Operation(long id, Kind kind, NodeId target, boolean report, long startedNanos) {
      this.id = id;
      this.kind = kind;
      this.target = target;
      this.report = report;
      this.startedNanos = startedNanos;
    }
  }

  /** A record this node publishes itself and republishes. */
  private static final class Publication {
    final NodeId key;
    final RecordKind kind;
    byte[] value;
    long nextRepublishNanos;

    Publication(NodeId key, RecordKind kind, byte[] value, long nextRepublishNanos) {
      this.key = key;
      this.kind = kind;
      this.value = value;
      this.nextRepublishNanos = nextRepublishNanos;
    }
  }

  private final DhtConfig config;
  private final NodeId selfId;
  private final RandomGenerator random;
  private final RoutingTable table;
  private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
  private final ArrayList<NodeId> verifying = new ArrayList<>(0);
  private RecordStore records;
  private ArrayList<Publication> publications;
  private long nextOperationId = 1;
  private int operationsRunning;
  private long nextRequestDeadlineNanos = Long.MAX_VALUE;
  private long nextMaintenanceNanos = Long.MAX_VALUE;

  private long messagesReceived;
  private long messagesSent;
  private long droppedMalformed;
  private long droppedUnmatched;
  private long requestTimeouts;
  private long contactsRejectedBySubnet;
  private long contactsEvicted;
  private long verificationPingsSkipped;
  private long recordsRefused;
  private long operationsRefused;

  /**
   * Creates a node with an empty routing table.
   *
   * @param config protocol parameters and limits
   * @param selfId this node's id (ppdb: derived from the node's public key)
   * @param random this node's own random stream (fork one per node, e.g. {@code
   *     SplittableRandom.split()}); used for rpc ids and refresh targets
   */
  public Kademlia(DhtConfig config, NodeId selfId, RandomGenerator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.selfId = Objects.requireNonNull(selfId, "selfId");
    this.random = Objects.requireNonNull(random, "random");
    this.table = new RoutingTable(selfId, config);
  }

  /** The rendezvous key of a cluster: {@code SHA-1("ppdb-cluster/" + clusterName)}. */
  public static NodeId clusterKey(String clusterName) {
    if (clusterName == null || clusterName.isEmpty()) {
      throw new IllegalArgumentException("clusterName: empty (expected: a cluster name)");
    }
    return NodeId.sha1(CLUSTER_KEY_PREFIX + clusterName);
  }

  /** This node's id. */
  public NodeId id() {
    return selfId;
  }

  /** The configuration. */
  public DhtConfig config() {
    return config;
  }

  /** The routing table, read-only. */
  public RoutingTable routingTable() {
    return table;
  }

  /** The number of records held for others. */
  public int storedRecordCount() {
    return records == null ? 0 : records.count();
  }

  /** The number of operations running (host-started and internal). */
  public int operationsRunning() {
    return operationsRunning;
  }

  /** The number of requests of ours waiting for an answer. */
  public int requestsInFlight() {
    return pending.size();
  }

  /** A snapshot of the counters. */
  public DhtStats stats() {
    return new DhtStats(
        messagesReceived,
        messagesSent,
        droppedMalformed,
        droppedUnmatched,
        requestTimeouts,
        contactsRejectedBySubnet,
        contactsEvicted,
        verificationPingsSkipped,
        recordsRefused,
        operationsRefused);
  }

  /**
   * The earliest time at which {@link #onTick} has work (a request timeout, a bucket refresh, a
   * record expiry or a republication), or {@code Long.MAX_VALUE} if none. A host may skip ticks
   * before it; the value may move earlier after any other call.
   */
  public long nextDeadlineNanos() {
    return Math.min(nextRequestDeadlineNanos, nextMaintenanceNanos);
  }

  // ---------------------------------------------------------------------------------------------
  // Operations started by the host.

  /**
   * Joins the network: asks each seed for the nodes closest to the own id, looks the own id up, and
   * then refreshes the buckets farther than the closest neighbour found (in the background). With
   * no seeds, bootstraps from the current table. Completes with a {@link BootstrapResult}.
   *
   * @param seeds addresses of nodes believed to be in the DHT (ids unknown); at most k are used
   */
  public long bootstrap(List<Address> seeds, long nowNanos, Outbox out) {
    Objects.requireNonNull(seeds, "seeds");
    Operation op = startOperation(Kind.BOOTSTRAP, selfId, true, nowNanos, out);
    if (op == null) {
      return nextOperationId - 1;
    }
    op.seedsThatAnswered = new ArrayList<>();
    op.seedLearned = new ArrayList<>();
    List<Address> distinct = new ArrayList<>();
    for (Address a : seeds) {
      if (a != null && !distinct.contains(a) && distinct.size() < config.bucketSize()) {
        distinct.add(a);
      }
    }
    for (Address seed : distinct) {
      long rpcId = newRpcId();
      registerPending(
          new Pending(
              rpcId,
              SEED_REQUEST,
              seed,
              null,
              op,
              0,
              null,
              nowNanos + config.requestTimeoutNanos()));
      op.seedsPending++;
      op.extraRequests++;
      send(seed, new FindNode(rpcId, selfId, selfId), out);
    }
    if (op.seedsPending == 0) {
      startLookupPhase(op, nowNanos, out);
    }
    return op.id;
  }

  /**
   * Finds the k nodes closest to {@code target}. Completes with a {@link LookupResult} listing the
   * closest nodes that answered, closest first.
   */
  public long lookup(NodeId target, long nowNanos, Outbox out) {
    Objects.requireNonNull(target, "target");
    Operation op = startOperation(Kind.LOOKUP, target, true, nowNanos, out);
    if (op == null) {
      return nextOperationId - 1;
    }
    startLookupPhase(op, nowNanos, out);
    return op.id;
  }

  /**
   * Finds a value stored under {@code key}: a FIND_VALUE lookup that ends at the first answer
   * holding {@link RecordKind#VALUE} records. Completes with a {@link FindValueResult}.
   */
  public long findValue(NodeId key, long nowNanos, Outbox out) {
    Objects.requireNonNull(key, "key");
    Operation op = startOperation(Kind.FIND_VALUE, key, true, nowNanos, out);
    if (op == null) {
      return nextOperationId - 1;
    }
    startLookupPhase(op, nowNanos, out);
    return op.id;
  }

  /**
   * Finds the providers of {@code key}: a full FIND_VALUE lookup collecting the {@link
   * RecordKind#PROVIDER} records of every node it asks (up to {@link
   * DhtConfig#recordsPerKeyMax()}). Completes with a {@link FindValueResult}.
   */
  public long findProviders(NodeId key, long nowNanos, Outbox out) {
    Objects.requireNonNull(key, "key");
    Operation op = startOperation(Kind.FIND_PROVIDERS, key, true, nowNanos, out);
    if (op == null) {
      return nextOperationId - 1;
    }
    startLookupPhase(op, nowNanos, out);
    return op.id;
  }

  /**
   * Publishes {@code value} under {@code key}: stores it at the k closest nodes now, and again
   * every {@link DhtConfig#republishIntervalNanos()} until {@link #unpublish}. Completes with a
   * {@link StoreResult}.
   *
   * @throws IllegalArgumentException if the value exceeds {@link DhtConfig#valueBytesMax()}
   * @throws IllegalStateException if {@link DhtConfig#publicationsMax()} other records are
   *     published
   */
  public long store(NodeId key, byte[] value, long nowNanos, Outbox out) {
    return publish(Kind.STORE, key, RecordKind.VALUE, value, null, nowNanos, out);
  }

  /**
   * Announces this node as a provider of {@code key} with small {@code metadata}, now and every
   * {@link DhtConfig#republishIntervalNanos()} until {@link #unpublish}. Completes with a {@link
   * StoreResult}.
   *
   * @throws IllegalArgumentException if the metadata exceeds {@link DhtConfig#valueBytesMax()}
   * @throws IllegalStateException if {@link DhtConfig#publicationsMax()} other records are
   *     published
   */
  public long announceProvider(NodeId key, byte[] metadata, long nowNanos, Outbox out) {
    return publish(Kind.STORE, key, RecordKind.PROVIDER, metadata, null, nowNanos, out);
  }

  /**
   * Cluster rendezvous: one FIND_VALUE lookup of {@link #clusterKey(String)} that collects the
   * cluster's providers, then announces this node as a provider at the k closest nodes (and keeps
   * republishing the announcement). Call it after {@link #bootstrap} completed. Completes with a
   * {@link RendezvousResult} listing the other members found.
   *
   * @throws IllegalArgumentException if the metadata exceeds {@link DhtConfig#valueBytesMax()}
   * @throws IllegalStateException if {@link DhtConfig#publicationsMax()} other records are
   *     published
   */
  public long rendezvous(String clusterName, byte[] metadata, long nowNanos, Outbox out) {
    NodeId key = clusterKey(clusterName);
    return publish(Kind.RENDEZVOUS, key, RecordKind.PROVIDER, metadata, clusterName, nowNanos, out);
  }

  /** Stops republishing the record of {@code kind} under {@code key}; it expires at its holders. */
  public void unpublish(NodeId key, RecordKind kind) {
    if (publications != null) {
      publications.removeIf(p -> p.key.equals(key) && p.kind == kind);
    }
  }

  private long publish(
      Kind kind,
      NodeId key,
      RecordKind recordKind,
      byte[] value,
      String clusterName,
      long nowNanos,
      Outbox out) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (value.length > config.valueBytesMax()) {
      throw new IllegalArgumentException(
          "value.length: "
              + value.length
              + " (expected: <= valueBytesMax "
              + config.valueBytesMax()
              + ")");
    }
    if (publications == null) {
      publications = new ArrayList<>(1);
    }
    Publication existing = null;
    for (Publication p : publications) {
      if (p.key.equals(key) && p.kind == recordKind) {
        existing = p;
      }
    }
    long next = nowNanos + config.republishIntervalNanos();
    if (existing == null) {
      if (publications.size() >= config.publicationsMax()) {
        throw new IllegalStateException(
            "publications: "
                + publications.size()
                + " (expected: < publicationsMax "
                + config.publicationsMax()
                + ")");
      }
      publications.add(new Publication(key, recordKind, value, next));
    } else {
      existing.value = value;
      existing.nextRepublishNanos = next;
    }
    nextMaintenanceNanos = Math.min(nextMaintenanceNanos, next);
    Operation op = startOperation(kind, key, true, nowNanos, out);
    if (op == null) {
      return nextOperationId - 1;
    }
    op.recordKind = recordKind;
    op.value = value;
    op.clusterName = clusterName;
    startLookupPhase(op, nowNanos, out);
    return op.id;
  }

  /** Allocates an operation, or reports BUSY and returns null. */
  private Operation startOperation(
      Kind kind, NodeId target, boolean report, long nowNanos, Outbox out) {
    long id = nextOperationId++;
    Operation op = new Operation(id, kind, target, report, nowNanos);
    if (operationsRunning >= config.operationsMax()) {
      operationsRefused++;
      op.finished = true;
      if (report) {
        out.complete(result(op, OperationStatus.BUSY, nowNanos));
      }
      return null;
    }
    operationsRunning++;
    return op;
  }

  private void startLookupPhase(Operation op, long nowNanos, Outbox out) {
    boolean findValue =
        op.kind == Kind.FIND_VALUE || op.kind == Kind.FIND_PROVIDERS || op.kind == Kind.RENDEZVOUS;
    RecordKind wanted = op.kind == Kind.FIND_VALUE ? RecordKind.VALUE : RecordKind.PROVIDER;
    int recordsWanted = op.kind == Kind.FIND_VALUE ? 1 : Integer.MAX_VALUE;
    List<DhtRecord> local =
        findValue && records != null
            ? records.get(op.target, config.recordsPerKeyMax())
            : List.of();
    op.lookup = new Lookup(selfId, op.target, findValue, wanted, recordsWanted, config, local);
    if (op.seedsThatAnswered != null) {
      for (Contact seed : op.seedsThatAnswered) {
        op.lookup.seedAnswered(seed, 1);
      }
    }
    op.lookup.seed(table.closest(op.target, config.bucketSize()), 1);
    if (op.seedLearned != null) {
      List<Contact> learned = new ArrayList<>(op.seedLearned);
      learned.sort((a, b) -> NodeId.compareDistance(op.target, a.id(), b.id()));
      op.lookup.seed(learned, 2);
    }
    KBucket bucket = table.bucketAt(table.indexOf(op.target));
    if (bucket != null) {
      bucket.lastLookupNanos = nowNanos;
    }
    driveLookup(op, nowNanos, out);
  }

  private void driveLookup(Operation op, long nowNanos, Outbox out) {
    Lookup lookup = op.lookup;
    if (op.lookupDone) {
      // A late answer of the lookup phase of a publication: its store phase already started.
      return;
    }
    if (lookup.isDone()) {
      // A value lookup may be satisfied by the own records before asking anyone.
      lookupFinished(op, nowNanos, out);
      return;
    }
    lookup.advance(
        (path, entry) -> {
          long rpcId = newRpcId();
          Contact c = entry.contact;
          registerPending(
              new Pending(
                  rpcId,
                  LOOKUP_REQUEST,
                  c.address(),
                  c,
                  op,
                  path,
                  entry,
                  nowNanos + config.requestTimeoutNanos()));
          DhtMessage request =
              lookup.findValue
                  ? new FindValue(rpcId, selfId, lookup.target)
                  : new FindNode(rpcId, selfId, lookup.target);
          send(c.address(), request, out);
        });
    if (lookup.isDone()) {
      lookupFinished(op, nowNanos, out);
    }
  }

  private void lookupFinished(Operation op, long nowNanos, Outbox out) {
    op.lookupDone = true;
    op.closest = op.lookup.closestAnswered(config.bucketSize());
    switch (op.kind) {
      case STORE, REPUBLISH, RENDEZVOUS -> {
        for (Contact c : op.closest) {
          long rpcId = newRpcId();
          registerPending(
              new Pending(
                  rpcId,
                  STORE_REQUEST,
                  c.address(),
                  c,
                  op,
                  0,
                  null,
                  nowNanos + config.requestTimeoutNanos()));
          op.storesPending++;
          op.extraRequests++;
          send(c.address(), new Store(rpcId, selfId, op.target, op.recordKind, op.value), out);
        }
        if (op.storesPending == 0) {
          finish(op, nowNanos, out);
        }
      }
      default -> finish(op, nowNanos, out);
    }
  }

  private void finish(Operation op, long nowNanos, Outbox out) {
    op.finished = true;
    operationsRunning--;
    boolean nobody =
        (op.lookup == null || op.lookup.requests == 0)
            && op.extraRequests == 0
            && (op.lookup == null || op.lookup.records().isEmpty());
    if (op.report) {
      out.complete(
          result(op, nobody ? OperationStatus.NO_CONTACTS : OperationStatus.COMPLETED, nowNanos));
    }
    if (op.kind == Kind.BOOTSTRAP) {
      refreshAfterBootstrap(op, nowNanos, out);
    }
  }

  /** Paper, section 2.3: refresh all buckets farther away than the closest neighbour. */
  private void refreshAfterBootstrap(Operation op, long nowNanos, Outbox out) {
    if (op.closest.isEmpty()) {
      return;
    }
    int closestIndex = table.indexOf(op.closest.get(0).id());
    int started = 0;
    for (int i = 0;
        i < closestIndex
            && started < config.bootstrapRefreshLookupsMax()
            && operationsRunning < config.operationsMax();
        i++) {
      KBucket b = table.bucketAt(i);
      if (b == null || !b.isFull()) {
        startRefresh(i, nowNanos, out);
        started++;
      }
    }
  }

  private void startRefresh(int bucketIndex, long nowNanos, Outbox out) {
    Operation op =
        startOperation(
            Kind.REFRESH, selfId.randomWithPrefix(bucketIndex, random), false, nowNanos, out);
    if (op != null) {
      startLookupPhase(op, nowNanos, out);
    }
  }

  private DhtResult result(Operation op, OperationStatus status, long nowNanos) {
    Lookup l = op.lookup;
    LookupStats stats =
        new LookupStats(
            Math.max(l == null ? 0 : l.rounds, op.seedsAnswered > 0 ? 1 : 0),
            (l == null ? 0 : l.requests) + op.extraRequests,
            (l == null ? 0 : l.responses) + op.extraResponses,
            (l == null ? 0 : l.timeouts) + op.extraTimeouts,
            nowNanos - op.startedNanos);
    List<DhtRecord> found = l == null ? List.of() : l.records();
    return switch (op.kind) {
      case LOOKUP, REFRESH -> new LookupResult(op.id, status, op.target, op.closest, stats);
      case FIND_VALUE, FIND_PROVIDERS ->
          new FindValueResult(op.id, status, op.target, found, op.closest, stats);
      case STORE, REPUBLISH ->
          new StoreResult(op.id, status, op.target, op.recordKind, op.stored, op.closest, stats);
      case BOOTSTRAP ->
          new BootstrapResult(op.id, status, op.seedsAnswered, op.closest, table.size(), stats);
      case RENDEZVOUS -> {
        List<DhtRecord> others = new ArrayList<>();
        for (DhtRecord r : found) {
          if (!r.publisher().id().equals(selfId)) {
            others.add(r);
          }
        }
        yield new RendezvousResult(
            op.id, status, op.clusterName, op.target, List.copyOf(others), op.stored, stats);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs.

  /**
   * Handles a received message. Malformed input (a field missing or beyond a limit, a response
   * nobody asked for) is dropped and counted, never thrown.
   *
   * @param from the address the message came from, at which the sender answers
   * @param message the decoded message
   * @param nowNanos the current time
   * @param out where replies and completed operations go
   */
  public void onMessage(Address from, DhtMessage message, long nowNanos, Outbox out) {
    messagesReceived++;
    if (from == null || !wellFormed(message) || message.sender().equals(selfId)) {
      droppedMalformed++;
      return;
    }
    if (message instanceof Ping ping) {
      send(from, new Pong(ping.rpcId(), selfId), out);
      onRequestFrom(from, ping.sender(), nowNanos, out);
    } else if (message instanceof FindNode find) {
      send(from, new Nodes(find.rpcId(), selfId, closestFor(find.target(), find.sender())), out);
      onRequestFrom(from, find.sender(), nowNanos, out);
    } else if (message instanceof FindValue find) {
      List<DhtRecord> held =
          records == null
              ? new ArrayList<>(0)
              : new ArrayList<>(records.get(find.key(), config.recordsPerMessageMax()));
      send(
          from, new Values(find.rpcId(), selfId, held, closestFor(find.key(), find.sender())), out);
      onRequestFrom(from, find.sender(), nowNanos, out);
    } else if (message instanceof Store store) {
      onStore(from, store, nowNanos, out);
      onRequestFrom(from, store.sender(), nowNanos, out);
    } else {
      onResponse(from, message, nowNanos, out);
    }
  }

  /**
   * Advances time: times out requests and runs the due maintenance (bucket refresh, record expiry,
   * republication). O(1) when nothing is due.
   */
  public void onTick(long nowNanos, Outbox out) {
    if (nowNanos >= nextRequestDeadlineNanos) {
      expireRequests(nowNanos, out);
    }
    if (nowNanos >= nextMaintenanceNanos) {
      maintain(nowNanos, out);
    }
  }

  private List<Contact> closestFor(NodeId target, NodeId requester) {
    int n = Math.min(config.bucketSize(), config.contactsPerMessageMax());
    List<Contact> closest = table.closest(target, n + 1, true);
    closest.removeIf(c -> c.id().equals(requester));
    if (closest.size() > n) {
      closest.remove(closest.size() - 1);
    }
    return closest;
  }

  private void onStore(Address from, Store store, long nowNanos, Outbox out) {
    if (records == null) {
      records = new RecordStore(config);
    }
    Contact known = table.find(store.sender());
    Contact publisher =
        known != null && known.address().equals(from) ? known : new Contact(store.sender(), from);
    boolean stored =
        records.put(new DhtRecord(store.key(), store.kind(), publisher, store.value()), nowNanos);
    if (!stored) {
      recordsRefused++;
    }
    nextMaintenanceNanos = Math.min(nextMaintenanceNanos, records.nextExpiryNanos());
    send(from, new StoreAck(store.rpcId(), selfId, stored), out);
  }

  /**
   * A request came from {@code senderId} at {@code from}. A known contact counts as seen; an
   * unknown one is pinged and enters the table only if it answers (discv5).
   */
  private void onRequestFrom(Address from, NodeId senderId, long nowNanos, Outbox out) {
    KBucket bucket = table.bucketOf(senderId);
    if (bucket != null) {
      int i = bucket.indexOf(senderId);
      if (i >= 0 && bucket.get(i).address().equals(from)) {
        bucket.touch(i, bucket.get(i));
        return;
      }
      for (int r = 0; r < bucket.replacementCount(); r++) {
        if (bucket.replacement(r).id().equals(senderId)
            && bucket.replacement(r).address().equals(from)) {
          return;
        }
      }
    }
    if (verifying.contains(senderId)) {
      return;
    }
    if (bucket != null && bucket.isFull()) {
      // A full bucket would only park the sender in its replacement cache and ping its oldest
      // contact: two round trips for little gain, on every request from a stranger. Contacts of
      // full buckets are learned from answers to our own requests instead.
      return;
    }
    Contact candidate = new Contact(senderId, from);
    if (bucket != null && !table.subnetAdmits(bucket, candidate)) {
      contactsRejectedBySubnet++;
      return;
    }
    if (verifying.size() >= config.verificationPingsMax()) {
      verificationPingsSkipped++;
      return;
    }
    verifying.add(senderId);
    ping(candidate, VERIFICATION_PING, nowNanos, out);
  }

  private long ping(Contact contact, byte kind, long nowNanos, Outbox out) {
    long rpcId = newRpcId();
    registerPending(
        new Pending(
            rpcId,
            kind,
            contact.address(),
            contact,
            null,
            0,
            null,
            nowNanos + config.requestTimeoutNanos()));
    send(contact.address(), new Ping(rpcId, selfId), out);
    return rpcId;
  }

  private void onResponse(Address from, DhtMessage message, long nowNanos, Outbox out) {
    Pending p = pending.get(message.rpcId());
    if (p == null
        || !p.to.equals(from)
        || (p.expectedId != null && !p.expectedId.equals(message.sender()))
        || !answers(p, message)) {
      droppedUnmatched++;
      return;
    }
    pending.remove(message.rpcId());
    if (pending.isEmpty()) {
      nextRequestDeadlineNanos = Long.MAX_VALUE;
    }
    Contact responder = p.contact != null ? p.contact : shared(new Contact(message.sender(), from));
    onContactVerified(responder, nowNanos, out);
    switch (p.kind) {
      case VERIFICATION_PING -> verifying.remove(p.expectedId);
      case EVICTION_PING -> {
        KBucket b = table.bucketOf(p.expectedId);
        if (b != null && b.evictionPingRpcId == p.rpcId) {
          b.evictionPingRpcId = 0;
        }
      }
      case LOOKUP_REQUEST -> {
        Operation op = p.op;
        if (!op.finished) {
          if (message instanceof Values v) {
            op.lookup.onAnswer(p.path, p.entry, v.contacts(), v.records());
          } else {
            op.lookup.onAnswer(p.path, p.entry, ((Nodes) message).contacts(), List.of());
          }
          driveLookup(op, nowNanos, out);
        }
      }
      case SEED_REQUEST -> {
        Operation op = p.op;
        if (!op.finished) {
          op.seedsPending--;
          op.seedsAnswered++;
          op.extraResponses++;
          op.seedsThatAnswered.add(responder);
          for (Contact c : ((Nodes) message).contacts()) {
            if (op.seedLearned.size() < config.lookupShortlistMax()) {
              op.seedLearned.add(c);
            }
          }
          if (op.seedsPending == 0) {
            startLookupPhase(op, nowNanos, out);
          }
        }
      }
      case STORE_REQUEST -> {
        Operation op = p.op;
        if (!op.finished) {
          op.storesPending--;
          op.extraResponses++;
          if (((StoreAck) message).stored()) {
            op.stored++;
          }
          if (op.storesPending == 0) {
            finish(op, nowNanos, out);
          }
        }
      }
      default -> throw new IllegalStateException("pending kind: " + p.kind);
    }
  }

  /** Reuses the table's instance of a contact, so that equal contacts are shared. */
  private Contact shared(Contact c) {
    Contact known = table.find(c.id());
    return known != null && known.equals(c) ? known : c;
  }

  private static boolean answers(Pending p, DhtMessage m) {
    return switch (p.kind) {
      case EVICTION_PING, VERIFICATION_PING -> m instanceof Pong;
      case SEED_REQUEST -> m instanceof Nodes;
      case LOOKUP_REQUEST ->
          p.op.lookup != null && p.op.lookup.findValue ? m instanceof Values : m instanceof Nodes;
      case STORE_REQUEST -> m instanceof StoreAck;
      default -> false;
    };
  }

  /**
   * {@code contact} answered a request of ours: it is seen now. Kademlia section 2.2: move it to
   * the tail of its bucket, or append it, or, when the bucket is full, keep it as a replacement and
   * ping the least-recently seen contact, which is evicted only if it fails to answer.
   */
  private void onContactVerified(Contact contact, long nowNanos, Outbox out) {
    int index = table.indexOf(contact.id());
    boolean created = table.bucketAt(index) == null;
    KBucket b = table.bucketFor(contact.id(), nowNanos);
    if (created) {
      nextMaintenanceNanos =
          Math.min(nextMaintenanceNanos, nowNanos + config.refreshIntervalNanos());
    }
    int i = b.indexOf(contact.id());
    if (i >= 0) {
      b.touch(i, b.get(i).equals(contact) ? b.get(i) : contact);
      return;
    }
    if (!table.subnetAdmits(b, contact)) {
      contactsRejectedBySubnet++;
      return;
    }
    if (!b.isFull()) {
      b.append(contact);
      table.appended();
      for (int r = 0; r < b.replacementCount(); r++) {
        if (b.replacement(r).id().equals(contact.id())) {
          b.removeReplacement(r);
          break;
        }
      }
      return;
    }
    b.addReplacement(contact, config.replacementCacheSize());
    if (b.evictionPingRpcId == 0) {
      b.evictionPingRpcId = ping(b.get(0), EVICTION_PING, nowNanos, out);
    }
  }

  /**
   * A contact did not answer. The eviction ping's target leaves at once; another contact leaves
   * after {@link DhtConfig#contactFailuresMax()} consecutive failures, or at the first if a
   * replacement waits.
   */
  private void onContactFailed(NodeId id, boolean evictNow) {
    KBucket b = table.bucketOf(id);
    if (b == null) {
      return;
    }
    int i = b.indexOf(id);
    if (i < 0) {
      return;
    }
    int failures = b.fail(i);
    if (evictNow || b.replacementCount() > 0 || failures >= config.contactFailuresMax()) {
      b.remove(i);
      table.removed();
      contactsEvicted++;
      table.promoteReplacement(b);
    }
  }

  private void expireRequests(long nowNanos, Outbox out) {
    List<Pending> expired = new ArrayList<>();
    long next = Long.MAX_VALUE;
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.deadlineNanos <= nowNanos) {
        expired.add(p);
        it.remove();
      } else {
        next = Math.min(next, p.deadlineNanos);
      }
    }
    nextRequestDeadlineNanos = next;
    for (Pending p : expired) {
      requestTimeouts++;
      switch (p.kind) {
        case VERIFICATION_PING -> verifying.remove(p.expectedId);
        case EVICTION_PING -> {
          KBucket b = table.bucketOf(p.expectedId);
          if (b != null && b.evictionPingRpcId == p.rpcId) {
            b.evictionPingRpcId = 0;
          }
          onContactFailed(p.expectedId, true);
        }
        case LOOKUP_REQUEST -> {
          onContactFailed(p.expectedId, false);
          if (!p.op.finished) {
            p.op.lookup.onTimeout(p.path, p.entry);
            driveLookup(p.op, nowNanos, out);
          }
        }
        case SEED_REQUEST -> {
          if (!p.op.finished) {
            p.op.seedsPending--;
            p.op.extraTimeouts++;
            if (p.op.seedsPending == 0) {
              startLookupPhase(p.op, nowNanos, out);
            }
          }
        }
        case STORE_REQUEST -> {
          onContactFailed(p.expectedId, false);
          if (!p.op.finished) {
            p.op.storesPending--;
            p.op.extraTimeouts++;
            if (p.op.storesPending == 0) {
              finish(p.op, nowNanos, out);
            }
          }
        }
        default -> throw new IllegalStateException("pending kind: " + p.kind);
      }
    }
  }

  private void maintain(long nowNanos, Outbox out) {
    long next = Long.MAX_VALUE;
    if (records != null) {
      records.expire(nowNanos);
      next = Math.min(next, records.nextExpiryNanos());
    }
    if (publications != null) {
      for (Publication p : publications) {
        if (p.nextRepublishNanos <= nowNanos) {
          if (operationsRunning < config.operationsMax()) {
            Operation op = startOperation(Kind.REPUBLISH, p.key, false, nowNanos, out);
            op.recordKind = p.kind;
            op.value = p.value;
            p.nextRepublishNanos = nowNanos + config.republishIntervalNanos();
            startLookupPhase(op, nowNanos, out);
          } else {
            // Busy: try again after the running operations had time to finish.
            p.nextRepublishNanos = nowNanos + config.requestTimeoutNanos();
          }
        }
        next = Math.min(next, p.nextRepublishNanos);
      }
    }
    for (int i = 0; i < table.bucketCount(); i++) {
      KBucket b = table.bucketAt(i);
      if (b != null && b.lastLookupNanos + config.refreshIntervalNanos() <= nowNanos) {
        if (operationsRunning < config.operationsMax()) {
          // startLookupPhase stamps the bucket's lastLookupNanos.
          startRefresh(i, nowNanos, out);
        } else {
          b.lastLookupNanos =
              nowNanos - config.refreshIntervalNanos() + config.requestTimeoutNanos();
        }
      }
    }
    next = Math.min(next, table.nextRefreshNanos());
    nextMaintenanceNanos = next;
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing.

  private long newRpcId() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0 || pending.containsKey(id));
    return id;
  }

  private void registerPending(Pending p) {
    pending.put(p.rpcId, p);
    nextRequestDeadlineNanos = Math.min(nextRequestDeadlineNanos, p.deadlineNanos);
  }

  private void send(Address to, DhtMessage message, Outbox out) {
    messagesSent++;
    out.send(to, message);
  }

  /** Checks a received message against the limits; false drops it. */
  private boolean wellFormed(DhtMessage m) {
    if (m == null || m.sender() == null) {
      return false;
    }
    if (m instanceof FindNode f) {
      return f.target() != null;
    }
    if (m instanceof FindValue f) {
      return f.key() != null;
    }
    if (m instanceof Nodes n) {
      return contactsOk(n.contacts());
    }
    if (m instanceof Values v) {
      if (v.records() == null || v.records().size() > config.recordsPerMessageMax()) {
        return false;
      }
      for (DhtRecord r : v.records()) {
        if (r == null
            || r.key() == null
            || r.kind() == null
            || r.publisher() == null
            || r.value() == null
            || r.value().length > config.valueBytesMax()) {
          return false;
        }
      }
      return contactsOk(v.contacts());
    }
    if (m instanceof Store s) {
      return s.key() != null
          && s.kind() != null
          && s.value() != null
          && s.value().length <= config.valueBytesMax();
    }
    return true;
  }

  private boolean contactsOk(List<Contact> contacts) {
    if (contacts == null || contacts.size() > config.contactsPerMessageMax()) {
      return false;
    }
    for (Contact c : contacts) {
      if (c == null || c.id() == null || c.address() == null) {
        return false;
      }
    }
    return true;
  }

  /** For tests: the ids being verified (unsolicited senders pinged, not yet answered). */
  List<NodeId> verifyingForTest() {
    return List.copyOf(verifying);
  }

  /** For tests: pending request count by kind. */
  Map<String, Integer> pendingKindsForTest() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Pending p : pending.values()) {
      out.merge(String.valueOf(p.kind), 1, Integer::sum);
    }
    return out;
  }
}
