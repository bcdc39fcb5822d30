package org.ppdb.dht;

/** What a stored record means. Sent on the wire: the constants are frozen, append only. */
public enum RecordKind {
  /** An opaque value published under a key by its publisher. */
  VALUE,
  /**
   * A provider record: the publisher announces that it provides the key (ppdb: that it is a member
   * of the cluster whose rendezvous key this is); the value is small provider metadata.
   */
  PROVIDER
}
