package org.ppdb.peer.discovery;

import java.util.Objects;

/**
 * An mDNS TXT record that is not a valid ppdb advert. Thrown by {@link MdnsAdvert#decodeTxt}; the
 * {@link #reason()} names the counter it is reported under.
 */
public final class MalformedAdvertException extends Exception {

  /** Why a TXT record was refused. Used as a counter label, so the set is small and fixed. */
  public enum Reason {
    /** Larger than {@link MdnsAdvert#TXT_BYTES_MAX}. */
    TOO_LARGE,
    /** A length prefix runs past the end of the record. */
    BAD_FRAMING,
    /** More than {@link MdnsAdvert#TXT_ENTRIES_MAX} entries. */
    TOO_MANY_ENTRIES,
    /** A required key is absent. */
    MISSING_KEY,
    /** A value does not parse, or a byte is not printable ASCII. */
    BAD_VALUE,
    /** A {@code txtvers} this code does not read. */
    UNSUPPORTED_VERSION
  }

  private final Reason reason;

  /** Creates an exception for {@code reason}; {@code message} says what was wrong. */
  public MalformedAdvertException(Reason reason, String message) {
    super(Objects.requireNonNull(reason, "reason") + ": " + message, null, false, false);
    this.reason = reason;
  }

  /** Why the record was refused. */
  public Reason reason() {
    return reason;
  }
}
