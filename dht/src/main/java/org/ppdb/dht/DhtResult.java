package org.ppdb.dht;

import java.util.List;

/**
 * The result of an operation the host started, delivered through {@link Outbox#complete} with the
 * id that the starting method returned. Lists are immutable.
 */
public sealed interface DhtResult {

  /** The id returned when the operation was started. */
  long operationId();

  /** How the operation ended. */
  OperationStatus status();

  /** What it cost. */
  LookupStats stats();

  /**
   * A node lookup ({@link Kademlia#lookup}): the k closest nodes to {@code target} that answered,
   * closest first.
   */
  record LookupResult(
      long operationId,
      OperationStatus status,
      NodeId target,
      List<Contact> closest,
      LookupStats stats)
      implements DhtResult {}

  /**
   * A FIND_VALUE lookup ({@link Kademlia#findValue}, {@link Kademlia#findProviders}): the distinct
   * records found under {@code key} (at most one per publisher and kind), and the closest nodes
   * that answered.
   */
  record FindValueResult(
      long operationId,
      OperationStatus status,
      NodeId key,
      List<DhtRecord> records,
      List<Contact> closest,
      LookupStats stats)
      implements DhtResult {}

  /**
   * A publication ({@link Kademlia#store}, {@link Kademlia#announceProvider}): the record was sent
   * to the k closest nodes to {@code key}; {@code storedCount} of them accepted it.
   */
  record StoreResult(
      long operationId,
      OperationStatus status,
      NodeId key,
      RecordKind kind,
      int storedCount,
      List<Contact> closest,
      LookupStats stats)
      implements DhtResult {}

  /**
   * A bootstrap ({@link Kademlia#bootstrap}): {@code seedsAnswered} seeds answered, the lookup of
   * the own id found {@code closest}, and the routing table then held {@code routingTableSize}
   * contacts. Bucket refreshes started by the bootstrap continue in the background.
   */
  record BootstrapResult(
      long operationId,
      OperationStatus status,
      int seedsAnswered,
      List<Contact> closest,
      int routingTableSize,
      LookupStats stats)
      implements DhtResult {}

  /**
   * A cluster rendezvous ({@link Kademlia#rendezvous}): the providers found under the cluster's key
   * (other members, the own record excluded), after the node announced itself to {@code
   * storedCount} of the closest nodes.
   */
  record RendezvousResult(
      long operationId,
      OperationStatus status,
      String clusterName,
      NodeId key,
      List<DhtRecord> providers,
      int storedCount,
      LookupStats stats)
      implements DhtResult {}
}
