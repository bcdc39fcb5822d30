/**
 * The Java client of ppdb: {@link org.ppdb.peer.client.PpdbClient}, configured by {@link
 * org.ppdb.peer.client.PpdbClientConfig}.
 *
 * <h2>Outcomes</h2>
 *
 * A call returns normally on success. {@link org.ppdb.peer.client.PpdbClientException} is a
 * definite failure (nothing was written); its subclass {@link
 * org.ppdb.peer.client.PpdbTimeoutException} is indeterminate (a write may or may not have
 * happened, and may still become visible).
 *
 * <h2>Failover</h2>
 *
 * <ul>
 *   <li>A key's request goes to its replicas in ring order, then to any member, then to the seeds;
 *       peers whose last connection failed recently (exponential backoff) come last.
 *   <li>The next peer is tried when the request definitely did not run: no connection, the
 *       connection ended before the request was written, or the server answered {@code BUSY} or
 *       {@code NOREPLICAS}.
 *   <li>Reads also fail over when the connection ended after sending. Writes do not (resending
 *       could reorder a write after a later one of the same caller): they report {@link
 *       org.ppdb.peer.client.PpdbTimeoutException}.
 *   <li>The server's {@code TIMEOUT} reply and a request that runs out of its request timeout are
 *       indeterminate.
 * </ul>
 */
package org.ppdb.peer.client;
