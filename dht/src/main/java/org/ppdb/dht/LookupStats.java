package org.ppdb.dht;

/**
 * What an operation cost: the figures the simulator reports per lookup.
 *
 * @param rounds the depth of the iterative lookup: contacts taken from the own routing table (or
 *     the bootstrap seeds) are round 1, contacts learned from a round-r answer are round r+1; this
 *     is the largest round of any request sent. With alpha parallel requests and no strict rounds
 *     it is the length of the longest chain of dependent requests, the latency in round trips.
 * @param requests requests sent by the operation (lookup, seed and store requests)
 * @param responses answers received in time
 * @param timeouts requests that timed out
 * @param durationNanos time from start to completion, in the host's clock
 */
public record LookupStats(
    int rounds, int requests, int responses, int timeouts, long durationNanos) {}
