package org.ppdb.peer.node;

import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns a {@link NodeCore} in a peer process (DESIGN.md principle 3): network
 * handlers, discovery and the admin server hand it work through a bounded queue, and it alone calls
 * the core, interleaving that work with the core's timers.
 *
 * <p>Back-pressure: when the queue is full, {@link #submit} refuses the task and counts it. Callers
 * that carry datagrams drop them (the protocols expect loss); nothing waits on the node's thread.
 *
 * <p>A core that throws has broken an invariant: the loop stops, logs the error and reports it to
 * the failure handler, which in a peer process ends the process (a restart recovers from disk and
 * the cluster). Under the simulator the core runs without this class.
 */
public final class NodeLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeLoop.class);

  /** Longest wait between two looks at the core's timers, so a clock jump is noticed soon. */
  static final long WAIT_NANOS_MAX = 100_000_000L;

  /** Most tasks run between two looks at the core's timers. */
  static final int TASKS_PER_TURN_MAX = 4_096;

  private final NodeCore core;
  private final LongSupplier nanoTime;
  private final BlockingQueue<Consumer<NodeCore>> queue;
  private final int queueCapacity;
  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Consumer<Throwable> onFailure;
  private final Thread thread;
  private final AtomicLong rejected = new AtomicLong();
  private volatile boolean running = true;

  /**
   * @param core the node core; from now on only this loop's thread may call it
   * @param nanoTime the monotonic clock the core's timers run on ({@code System::nanoTime})
   * @param queueCapacity most tasks waiting; more are refused
   * @param onFailure called once, on the loop's thread, if the core throws
   */
  public NodeLoop(
      NodeCore core, LongSupplier nanoTime, int queueCapacity, Consumer<Throwable> onFailure) {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
    }
    this.core = Objects.requireNonNull(core, "core");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    // Unbounded as a structure; submit() bounds the tasks from outside, while completions of work
    // the core itself started (bounded by the core's in-flight limits) are never refused.
    this.queue = new java.util.concurrent.LinkedBlockingQueue<>();
    this.queueCapacity = queueCapacity;
    this.thread = new Thread(this::run, "ppdb-node-" + core.id().toShortHex());
    this.thread.setDaemon(true);
  }

  /** Starts the loop, which starts the core (join, bootstrap). */
  public void start() {
    thread.start();
  }

  /**
   * Queues a task for the node's thread. Returns false, and counts the refusal, when the queue is
   * full or the loop has stopped.
   */
  public boolean submit(Consumer<NodeCore> task) {
    Objects.requireNonNull(task, "task");
    if (!running || queued.incrementAndGet() > queueCapacity) {
      if (running) {
        queued.decrementAndGet();
      }
      rejected.incrementAndGet();
      return false;
    }
    queue.add(
        core -> {
          queued.decrementAndGet();
          task.accept(core);
        });
    return true;
  }

  /**
   * Queues the completion of work the core started (a storage call finishing): never refused while
   * the loop runs, since the core bounds how much such work it starts. Returns false only when the
   * loop has stopped.
   */
  public boolean submitCompletion(Runnable completion) {
    Objects.requireNonNull(completion, "completion");
    return submitBounded(core -> core.runTask(completion, nanoTime.getAsLong()));
  }

  /**
   * Queues a task whose callers bound the amount of such work themselves (a batching front end with
   * its own limit): never refused while the loop runs. Returns false only when the loop has
   * stopped.
   */
  public boolean submitBounded(Consumer<NodeCore> task) {
    Objects.requireNonNull(task, "task");
    if (!running) {
      return false;
    }
    queue.add(task);
    return true;
  }

  /**
   * Runs {@code query} on the node's thread and completes with its result; fails with {@link
   * IllegalStateException} when the queue is full or the loop has stopped.
   */
  public <T> CompletableFuture<T> query(Function<NodeCore, T> query) {
    CompletableFuture<T> result = new CompletableFuture<>();
    boolean queued =
        submit(
            core -> {
              try {
                result.complete(query.apply(core));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    if (!queued) {
      result.completeExceptionally(
          new IllegalStateException("node loop is " + (running ? "overloaded" : "stopped")));
    }
    return result;
  }

  /** The current time on the clock the core runs on. */
  public long nanoTime() {
    return nanoTime.getAsLong();
  }

  /** Tasks refused because the queue was full or the loop had stopped. */
  public long rejectedTasks() {
    return rejected.get();
  }

  /** Tasks waiting. */
  public int queueDepth() {
    return queued.get();
  }

  /** Whether the loop is running (false after {@link #close} or a failure). */
  public boolean isRunning() {
    return running;
  }

  /**
   * Leaves the cluster gracefully, waiting at most {@code timeoutNanos} for the news to spread,
   * then stops the loop.
   *
   * @return whether the leave was disseminated before the time limit
   */
  public boolean leaveAndClose(long timeoutNanos) throws InterruptedException {
    CompletableFuture<Void> leaving =
        query(
            c -> {
              c.leave(nanoTime.getAsLong());
              return null;
            });
    long deadline = System.nanoTime() + timeoutNanos;
    boolean done = false;
    try {
      leaving.get(timeoutNanos, TimeUnit.NANOSECONDS);
      while (!done && System.nanoTime() < deadline && running) {
        done = query(NodeCore::leaveComplete).get(timeoutNanos, TimeUnit.NANOSECONDS);
        if (!done) {
          Thread.sleep(50);
        }
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("leave did not complete: {}", e.toString());
    } finally {
      close();
    }
    return done;
  }

  /** Stops the loop and waits (at most 10 s) for its thread to end. Idempotent. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      core.start(nanoTime.getAsLong());
      while (running) {
        long now = nanoTime.getAsLong();
        if (now >= core.nextDeadlineNanos()) {
          core.onTick(now);
          now = nanoTime.getAsLong();
        }
        // Timers and input alternate: after each tick at least one task runs, so slow timers
        // cannot starve input, and at most TASKS_PER_TURN_MAX run before the timers are looked
        // at again, so a flood of input cannot starve probes.
        long waitNanos = Math.min(core.nextDeadlineNanos() - now, WAIT_NANOS_MAX);
        Consumer<NodeCore> task =
            waitNanos > 0 ? queue.poll(waitNanos, TimeUnit.NANOSECONDS) : queue.poll();
        int ran = 0;
        while (task != null) {
          task.accept(core);
          if (++ran >= TASKS_PER_TURN_MAX || core.nextDeadlineNanos() <= nanoTime.getAsLong()) {
            break;
          }
          // Poll only after deciding to go on: a task taken from the queue must run.
          task = queue.poll();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      running = false;
      log.error("node core failed; stopping the node", t);
      onFailure.accept(t);
    } finally {
      running = false;
    }
  }
}
