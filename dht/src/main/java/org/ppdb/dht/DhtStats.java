package org.ppdb.dht;

/**
 * Counters of one node since it started, for metrics and tests. A snapshot: immutable.
 *
 * @param messagesReceived messages passed to {@code onMessage}
 * @param messagesSent messages put into outboxes
 * @param droppedMalformed received messages dropped for breaking a limit or missing a field
 * @param droppedUnmatched responses dropped because no request of ours matched them (late after a
 *     timeout, duplicated, or forged)
 * @param requestTimeouts requests of ours that timed out
 * @param contactsRejectedBySubnet verified contacts kept out of the table by the subnet limits
 * @param contactsEvicted contacts removed from the table after failing
 * @param verificationPingsSkipped unsolicited senders not verified because the ping budget was full
 * @param recordsRefused STOREs refused by the record limits
 * @param operationsRefused operations refused with {@link OperationStatus#BUSY}
 */
public record DhtStats(
    long messagesReceived,
    long messagesSent,
    long droppedMalformed,
    long droppedUnmatched,
    long requestTimeouts,
    long contactsRejectedBySubnet,
    long contactsEvicted,
    long verificationPingsSkipped,
    long recordsRefused,
    long operationsRefused) {}
