package org.ppdb.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The closed-loop Java workload of the cluster benchmark (see {@link WorkloadSettings}): every
 * thread sends one synchronous request at a time through the same client, like redis-benchmark's
 * connections do, and times it with {@link System#nanoTime()} into a histogram of its own; the
 * histograms are merged at the end. The preload and the warm-up ({@link
 * WorkloadSettings#warmupSeconds()}) are not timed; their errors are counted together.
 *
 * <p>Randomness: one {@link SplittableRandom} from the seed, split once per thread in thread order,
 * so the same seed gives every thread the same sequence of keys, reads and values. Cost: the client
 * calls plus about 200 bytes of garbage per request. Blocks the caller for the whole run.
 */
final class JavaWorkload {
  /** Largest latency the histograms hold; slower requests are recorded as this. */
  static final long LATENCY_NANOS_MAX = 120_000_000_000L;

  /** Error messages kept for the report, of the preload and of the timed phase each. */
  static final int ERROR_SAMPLES_MAX = 5;

  private static final int histogramDigits = 3;

  private JavaWorkload() {}

  /** Preloads every key, then runs the timed phase against {@code target}. */
  static WorkloadResult run(KeyValueTarget target, WorkloadSettings settings)
      throws InterruptedException {
    SplittableRandom root = new SplittableRandom(settings.seed());
    List<SplittableRandom> randoms = new ArrayList<>();
    for (int t = 0; t < settings.threads(); t++) {
      randoms.add(root.split());
    }
    List<String> preloadSamples = new ArrayList<>();
    List<String> errorSamples = new ArrayList<>();

    // Preload: thread t writes keys t, t + threads, ...
    AtomicLong preloadErrors = new AtomicLong();
    long preloadStart = System.nanoTime();
    runThreads(
        settings.threads(),
        t -> {
          SplittableRandom random = randoms.get(t).split();
          for (long i = t; i < settings.keys(); i += settings.threads()) {
            try {
              target.put(WorkloadSettings.key(i), value(random, settings.valueBytes()));
            } catch (Exception e) {
              preloadErrors.incrementAndGet();
              sample(preloadSamples, "preload put: " + describe(e));
            }
          }
        });
    double preloadSeconds = (System.nanoTime() - preloadStart) / 1e9;

    // Warm-up: the mixed workload, neither timed nor counted (its errors count with the
    // preload's), on randoms split off for it.
    if (settings.warmupSeconds() > 0) {
      long warmupEnd = System.nanoTime() + settings.warmupSeconds() * 1_000_000_000L;
      List<SplittableRandom> warmupRandoms = new ArrayList<>();
      for (SplittableRandom r : randoms) {
        warmupRandoms.add(r.split());
      }
      runThreads(
          settings.threads(),
          t -> {
            SplittableRandom random = warmupRandoms.get(t);
            while (System.nanoTime() < warmupEnd) {
              byte[] key = WorkloadSettings.key(random.nextInt(settings.keys()));
              boolean read = random.nextInt(100) < settings.readPercent();
              try {
                if (read) {
                  target.get(key);
                } else {
                  target.put(key, value(random, settings.valueBytes()));
                }
              } catch (Exception e) {
                preloadErrors.incrementAndGet();
                sample(preloadSamples, (read ? "warm-up get: " : "warm-up put: ") + describe(e));
              }
            }
          });
    }

    // Timed phase.
    Histogram[] gets = new Histogram[settings.threads()];
    Histogram[] puts = new Histogram[settings.threads()];
    long[][] counts = new long[settings.threads()][4]; // ops, misses, errors, timeouts
    AtomicLong remaining = new AtomicLong(settings.ops() > 0 ? settings.ops() : Long.MAX_VALUE);
    AtomicReference<Long> deadline = new AtomicReference<>();
    CyclicBarrier start =
        new CyclicBarrier(
            settings.threads(),
            () -> deadline.set(System.nanoTime() + settings.seconds() * 1_000_000_000L));
    long[] phaseStart = new long[1];
    runThreads(
        settings.threads(),
        t -> {
          Histogram getLatency = new Histogram(LATENCY_NANOS_MAX, histogramDigits);
          Histogram putLatency = new Histogram(LATENCY_NANOS_MAX, histogramDigits);
          gets[t] = getLatency;
          puts[t] = putLatency;
          SplittableRandom random = randoms.get(t);
          long[] count = counts[t];
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException("start barrier broken", e);
          }
          if (t == 0) {
            phaseStart[0] = System.nanoTime();
          }
          boolean byOps = settings.ops() > 0;
          long end = deadline.get();
          while (byOps ? remaining.getAndDecrement() > 0 : System.nanoTime() < end) {
            byte[] key = WorkloadSettings.key(random.nextInt(settings.keys()));
            boolean read = random.nextInt(100) < settings.readPercent();
            byte[] value = read ? null : value(random, settings.valueBytes());
            long begin = System.nanoTime();
            try {
              if (read) {
                byte[] found = target.get(key);
                getLatency.recordValue(Math.min(LATENCY_NANOS_MAX, System.nanoTime() - begin));
                if (found == null) {
                  count[1]++;
                }
              } else {
                target.put(key, value);
                putLatency.recordValue(Math.min(LATENCY_NANOS_MAX, System.nanoTime() - begin));
              }
            } catch (Exception e) {
              count[2]++;
              if (e.getClass().getSimpleName().contains("Timeout")) {
                count[3]++;
              }
              sample(errorSamples, (read ? "get: " : "put: ") + describe(e));
            }
            count[0]++;
          }
        });
    double seconds = (System.nanoTime() - phaseStart[0]) / 1e9;

    Histogram getAll = new Histogram(LATENCY_NANOS_MAX, histogramDigits);
    Histogram putAll = new Histogram(LATENCY_NANOS_MAX, histogramDigits);
    long ops = 0;
    long misses = 0;
    long errors = 0;
    long timeouts = 0;
    for (int t = 0; t < settings.threads(); t++) {
      getAll.add(gets[t]);
      putAll.add(puts[t]);
      ops += counts[t][0];
      misses += counts[t][1];
      errors += counts[t][2];
      timeouts += counts[t][3];
    }
    List<String> samples = new ArrayList<>(errorSamples);
    samples.addAll(preloadSamples); // the timed phase's first: those are what the figures miss
    Histogram all = getAll.copy();
    all.add(putAll);
    return new WorkloadResult(
        target.description(),
        preloadSeconds,
        preloadErrors.get(),
        seconds,
        ops,
        getAll.getTotalCount(),
        putAll.getTotalCount(),
        misses,
        errors,
        timeouts,
        seconds > 0 ? all.getTotalCount() / seconds : 0,
        millis(all, 50),
        millis(all, 99),
        millis(getAll, 50),
        millis(getAll, 99),
        millis(putAll, 50),
        millis(putAll, 99),
        samples);
  }

  private interface ThreadBody {
    void run(int thread) throws Exception;
  }

  /** Runs {@code body} on {@code threads} threads and waits for all; rethrows the first failure. */
  private static void runThreads(int threads, ThreadBody body) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  body.run(index);
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "workload-" + t);
      thread.start();
      started.add(thread);
    }
    for (Thread thread : started) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("workload thread failed", failure.get());
    }
  }

  private static byte[] value(SplittableRandom random, int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return value;
  }

  private static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0
        ? 0
        : histogram.getValueAtPercentile(percentile) / 1_000_000.0;
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static void sample(List<String> samples, String message) {
    synchronized (samples) {
      if (samples.size() < ERROR_SAMPLES_MAX) {
        samples.add(message);
      }
    }
  }
}
