package org.ppdb.dht;

/** How an operation ended. Reported to the host, not sent on the wire. */
public enum OperationStatus {
  /** The operation ran to its end; its result holds what was found (possibly nothing). */
  COMPLETED,
  /** The routing table was empty (and no seed answered), so there was nobody to ask. */
  NO_CONTACTS,
  /** Refused at start: {@link DhtConfig#operationsMax()} operations were already running. */
  BUSY
}
