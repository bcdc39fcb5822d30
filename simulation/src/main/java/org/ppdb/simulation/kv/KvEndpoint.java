package org.ppdb.simulation.kv;

/**
 * How a simulated client reaches the key-value service: it hands one operation to one simulated
 * node (the coordinator it connected to). Implementations call into the node on the simulator's
 * thread ({@link org.ppdb.simulation.Simulator#call}) and complete the operation from the node's
 * thread later, when the node answers.
 *
 * <p>Simulator thread only.
 */
public interface KvEndpoint {

  /** What an operation asks for. */
  enum Request {
    PUT,
    DELETE,
    GET
  }

  /** Whether {@code node} accepts connections now (running and not paused). */
  boolean available(int node);

  /**
   * Submits a request to {@code node}. Returns false, doing nothing, when the node cannot take a
   * request now (not running, paused): the connection was refused, so nothing was attempted and the
   * client will try another node. Otherwise {@code done} is called at most once, later: a node that
   * crashes with the request in flight never answers, and the client's own timeout decides.
   *
   * @param value the value for PUT, else null
   * @param version for PUT and DELETE, the version the client stamped the write with ({@code
   *     KeyValueService.writeVersioned}), or 0 for none (the coordinator stamps it)
   * @param consistency the consistency level name ({@code ONE}, {@code QUORUM}, {@code ALL})
   */
  boolean submit(
      int node,
      Request request,
      byte[] key,
      byte[] value,
      long version,
      String consistency,
      Completion done);

  /** The answer to one request; exactly one method is called, once. */
  interface Completion {
    /** Success; {@code value} is what a GET read (null: absent), null for PUT and DELETE. */
    void ok(byte[] value);

    /** The request certainly did not take effect (nothing attempted, or refused). */
    void fail(String error);

    /** Unknown whether the request took effect (a timeout). */
    void info(String error);
  }
}
