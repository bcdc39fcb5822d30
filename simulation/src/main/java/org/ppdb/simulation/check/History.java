package org.ppdb.simulation.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The record of every client operation of a simulated run, in Jepsen's form [1]: each operation is
 * an invocation by a process, then a completion (ok, fail or info) at a later simulated time.
 * Workloads write it; checkers ({@link UniqueKeyChecker}, {@link RegisterChecker}) read it after
 * the run. The checkers only need the history, never the system under test, so they are tested on
 * hand-built histories.
 *
 * <p>A process is a single-threaded client: it has at most one operation pending, as Jepsen's
 * processes do. After an info completion the process may go on (Jepsen retires it); the info
 * operation's effect may still happen later, concurrently with the process's next operations, and
 * the checkers allow for that.
 *
 * <p>Cost: one small record per operation plus a list entry per key; {@link #OPERATIONS_MAX} bounds
 * the memory. Not thread-safe: the simulator thread records and checks.
 *
 * <p>[1] Kingsbury, "Jepsen: knossos", github.com/jepsen-io/knossos (history format); Kingsbury,
 * Alvaro, "Elle: Inferring Isolation Anomalies from Experimental Observations", VLDB 2020.
 */
public final class History {

  /** The most operations one history holds (about 100 bytes each). */
  public static final int OPERATIONS_MAX = 5_000_000;

  /** The most processes (clients) of one history. */
  public static final int PROCESSES_MAX = 1 << 16;

  private final List<Operation> operations = new ArrayList<>();
  private final Map<String, List<Integer>> byKey = new LinkedHashMap<>();
  private final Map<Integer, Integer> pendingByProcess = new LinkedHashMap<>();
  private long lastNanos = Long.MIN_VALUE;

  /**
   * Records the invocation of an operation by {@code process} at simulated time {@code nowNanos}
   * and returns its id, to complete it with later.
   *
   * @param value the value to write (WRITE); null for DELETE and READ
   * @throws IllegalStateException if the process already has an operation pending, or time went
   *     backwards
   */
  public int invoke(int process, Operation.Kind kind, String key, String value, long nowNanos) {
    return invoke(process, -1, kind, key, value, nowNanos);
  }

  /**
   * Records an invocation as {@link #invoke(int, Operation.Kind, String, String, long)} does, with
   * the node the request goes to (shown in {@link #render}, for diagnosis).
   */
  public int invoke(
      int process, int node, Operation.Kind kind, String key, String value, long nowNanos) {
    if (process < 0 || process >= PROCESSES_MAX) {
      throw new IllegalArgumentException(
          "process: " + process + " (expected: 0.." + (PROCESSES_MAX - 1) + ")");
    }
    if (key == null) {
      throw new IllegalArgumentException("key: null (expected: a key)");
    }
    if ((kind == Operation.Kind.WRITE) != (value != null)) {
      throw new IllegalArgumentException(
          "value: " + value + " (expected: a value for a write and none for a " + kind + ")");
    }
    if (operations.size() >= OPERATIONS_MAX) {
      throw new IllegalStateException(
          "operations: " + operations.size() + " (expected: < " + OPERATIONS_MAX + ")");
    }
    Integer pending = pendingByProcess.get(process);
    if (pending != null) {
      throw new IllegalStateException(
          "process "
              + process
              + " invokes an operation while operation "
              + pending
              + " is pending (expected: one at a time)");
    }
    advance(nowNanos);
    int id = operations.size();
    operations.add(
        new Operation(
            id,
            process,
            node,
            kind,
            key,
            value,
            Operation.Outcome.PENDING,
            nowNanos,
            Long.MAX_VALUE,
            null));
    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
    pendingByProcess.put(process, id);
    return id;
  }

  /** A write or delete completed ok: it is durable on the replicas the request asked for. */
  public void ok(int id, long nowNanos) {
    Operation op = pending(id);
    if (!op.kind().mutates()) {
      throw new IllegalArgumentException("operation " + id + " is a read: complete it with read()");
    }
    complete(op, Operation.Outcome.OK, op.value(), nowNanos, null);
  }

  /** A read completed ok and returned {@code value} (null: the key is absent). */
  public void okRead(int id, String value, long nowNanos) {
    Operation op = pending(id);
    if (op.kind() != Operation.Kind.READ) {
      throw new IllegalArgumentException("operation " + id + " is a " + op.kind() + ", not a read");
    }
    complete(op, Operation.Outcome.OK, value, nowNanos, null);
  }

  /** The operation certainly did not happen. */
  public void fail(int id, String error, long nowNanos) {
    Operation op = pending(id);
    complete(op, Operation.Outcome.FAIL, op.kind().mutates() ? op.value() : null, nowNanos, error);
  }

  /** The operation's outcome is unknown: it may have happened, or may still happen. */
  public void info(int id, String error, long nowNanos) {
    Operation op = pending(id);
    complete(op, Operation.Outcome.INFO, op.kind().mutates() ? op.value() : null, nowNanos, error);
  }

  /** Every operation, in order of invocation (ids 0, 1, 2, ...). */
  public List<Operation> operations() {
    return Collections.unmodifiableList(operations);
  }

  /** The operation with id {@code id}. */
  public Operation operation(int id) {
    return operations.get(id);
  }

  /** How many operations were invoked. */
  public int size() {
    return operations.size();
  }

  /** Every key touched, in order of first touch. */
  public List<String> keys() {
    return List.copyOf(byKey.keySet());
  }

  /** The operations on {@code key}, in order of invocation. */
  public List<Operation> ofKey(String key) {
    List<Integer> ids = byKey.get(key);
    if (ids == null) {
      return List.of();
    }
    List<Operation> out = new ArrayList<>(ids.size());
    for (int id : ids) {
      out.add(operations.get(id));
    }
    return out;
  }

  /** How many operations are still pending. */
  public int pendingCount() {
    return pendingByProcess.size();
  }

  /**
   * The history of one key as Jepsen prints it: one line per invocation and per completion, in
   * order of simulated time, for a report or a failing test's message. At most the last {@code
   * maxLines} lines: the final reads and the writes before them are what an anomaly is about.
   */
  public String render(String key, int maxLines) {
    record Line(long atNanos, int id, int order, String text) {}
    List<Line> lines = new ArrayList<>();
    for (Operation op : ofKey(key)) {
      String what =
          switch (op.kind()) {
            case WRITE -> "write " + key + " = " + quote(op.value());
            case DELETE -> "delete " + key;
            case READ -> "read " + key;
          };
      lines.add(new Line(op.invokeNanos(), op.id(), 0, line(op, "invoke", what)));
      if (op.outcome() != Operation.Outcome.PENDING) {
        String done =
            op.kind() == Operation.Kind.READ && op.ok() ? what + " -> " + quote(op.value()) : what;
        if (op.error() != null) {
          done += "  (" + op.error() + ")";
        }
        lines.add(
            new Line(
                op.completeNanos(),
                op.id(),
                1,
                line(op, op.outcome().name().toLowerCase(Locale.ROOT), done)));
      }
    }
    lines.sort(
        (a, b) ->
            a.atNanos != b.atNanos
                ? Long.compare(a.atNanos, b.atNanos)
                : a.id != b.id ? Integer.compare(a.id, b.id) : Integer.compare(a.order, b.order));
    StringBuilder out = new StringBuilder();
    int skip = Math.max(0, lines.size() - maxLines);
    if (skip > 0) {
      out.append("  ... ").append(skip).append(" earlier lines\n");
    }
    for (int i = skip; i < lines.size(); i++) {
      out.append(lines.get(i).text).append('\n');
    }
    return out.toString();
  }

  private static String line(Operation op, String type, String what) {
    long at = type.equals("invoke") ? op.invokeNanos() : op.completeNanos();
    return String.format(
            Locale.ROOT,
            "%12.6f s  p%-4d #%-7d %-6s %s",
            at / 1e9,
            op.process(),
            op.id(),
            type,
            what)
        + (op.node() >= 0 && type.equals("invoke") ? "  (to node " + op.node() + ")" : "");
  }

  private static String quote(String value) {
    return value == null ? "nil" : "\"" + value + "\"";
  }

  private Operation pending(int id) {
    if (id < 0 || id >= operations.size()) {
      throw new IllegalArgumentException(
          "id: " + id + " (expected: 0.." + (operations.size() - 1) + ")");
    }
    Operation op = operations.get(id);
    if (op.outcome() != Operation.Outcome.PENDING) {
      throw new IllegalStateException(
          "operation " + id + " already completed " + op.outcome() + " (expected: pending)");
    }
    return op;
  }

  private void complete(
      Operation op, Operation.Outcome outcome, String value, long nowNanos, String error) {
    advance(nowNanos);
    operations.set(
        op.id(),
        new Operation(
            op.id(),
            op.process(),
            op.node(),
            op.kind(),
            op.key(),
            value,
            outcome,
            op.invokeNanos(),
            nowNanos,
            error));
    pendingByProcess.remove(op.process());
  }

  private void advance(long nowNanos) {
    if (nowNanos < lastNanos) {
      throw new IllegalStateException(
          "nowNanos: " + nowNanos + " (expected: >= " + lastNanos + ", time never goes back)");
    }
    lastNanos = nowNanos;
  }
}
