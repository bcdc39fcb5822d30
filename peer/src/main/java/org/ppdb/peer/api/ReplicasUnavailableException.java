package org.ppdb.peer.api;

/**
 * Too few of the key's replicas are alive to satisfy the requested consistency, so the request was
 * not attempted: a clean failure (nothing was written).
 */
public final class ReplicasUnavailableException extends KeyValueException {
  private final Consistency consistency;
  private final int required;
  private final int alive;

  /**
   * @param consistency the requested level
   * @param required replicas the level needs
   * @param alive replicas currently believed alive ({@code < required})
   */
  public ReplicasUnavailableException(Consistency consistency, int required, int alive) {
    super(
        "not enough replicas for "
            + consistency
            + " (required: "
            + required
            + ", alive: "
            + alive
            + ")");
    this.consistency = consistency;
    this.required = required;
    this.alive = alive;
  }

  public Consistency consistency() {
    return consistency;
  }

  public int required() {
    return required;
  }

  public int alive() {
    return alive;
  }
}
