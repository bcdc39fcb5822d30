/**
 * The key-value service that client front ends (the Redis protocol server in {@code
 * org.ppdb.peer.resp}, later the Java client's server side) call, and that the replicated
 * coordinator implements.
 *
 * <p>{@link org.ppdb.peer.api.KeyValueService} is asynchronous: every call returns a {@link
 * java.util.concurrent.CompletionStage} that completes normally with the result ("not found" is a
 * normal result) or exceptionally with a {@link org.ppdb.peer.api.KeyValueException}: {@link
 * org.ppdb.peer.api.ReplicasUnavailableException} when too few replicas are alive to even try, and
 * {@link org.ppdb.peer.api.RequestTimeoutException} when replicas did not answer in time, which for
 * a write means the outcome is unknown (indeterminate), never "not applied". {@link
 * org.ppdb.peer.api.LocalKeyValueService} is the single-node implementation over one storage
 * engine.
 */
package org.ppdb.peer.api;
