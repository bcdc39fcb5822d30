package org.ppdb.simulation.gossip;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.gossip.MembershipView;
import org.ppdb.gossip.Swim;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.report.Distribution;
import org.ppdb.simulation.report.Report;

/**
 * The checkers of a gossip run, kept apart from the workloads and fault schedules that drive it. It
 * watches the membership events every core reports, and the cores' views when asked, against the
 * simulator's ground truth (which members are really running):
 *
 * <ul>
 *   <li>failure detection of each crash: time to the first suspicion anywhere, and time until every
 *       member that held the crashed member live at the crash (and still runs) holds it dead;
 *   <li>false "dead" declarations: a member declared dead while it was running, counted once per
 *       (member, incarnation), split into healthy members and members the schedule impaired
 *       (paused, starved, clock jumped);
 *   <li>join propagation: time from a member's start until every member live at that moment knows
 *       it as a member;
 *   <li>convergence: every running member's view holds every running member alive and every stopped
 *       one dead, left or forgotten.
 * </ul>
 *
 * <p>Simulator thread only. Memory: a bit set of observers per tracked crash and join.
 */
public final class MembershipMonitor implements GossipSimNode.EventSink {

  /** The most crashes and joins tracked individually; later ones are counted but not timed. */
  public static final int TRACKED_MAX = 1_000;

  /** A DEAD record this soon after a member's current life began may be about its former life. */
  public static final long LIFE_GRACE_NANOS = 120_000_000_000L;

  private GossipCluster cluster;
  private Simulator<?> sim;
  private final List<Detection> detections = new ArrayList<>();
  private final List<Propagation> propagations = new ArrayList<>();
  private final Set<Long> falseDeathEpisodes = new HashSet<>();
  private final BitSet impaired = new BitSet();
  private final BitSet leaving = new BitSet();
  private long[] lifeStartNanos = new long[16];
  private long falseDeadHealthy;
  private long falseDeadImpaired;
  private long falseDeadEvents;
  private long partitionDeaths;
  private boolean deathsExpected;
  private long suspicionsOfLiveMembers;
  private double memberSeconds;
  private final List<String> falseDeathSamples = new ArrayList<>();

  /** Tracks one crash. */
  private static final class Detection {
    final int victim;
    final int life;
    final long crashedAt;
    final BitSet expected;
    final BitSet knowers = new BitSet();
    long firstSuspicionAt = -1;
    long allKnowAt = -1;
    boolean abandoned;
    final List<double[]> suspectSeries = new ArrayList<>();
    final List<double[]> deadSeries = new ArrayList<>();
    int suspecters;

    Detection(int victim, int life, long crashedAt, BitSet expected) {
      this.victim = victim;
      this.life = life;
      this.crashedAt = crashedAt;
      this.expected = expected;
    }
  }

  /** Tracks one join. */
  private static final class Propagation {
    final int joiner;
    final long startedAt;
    final BitSet expected;
    final BitSet knowers = new BitSet();
    long allKnowAt = -1;

    Propagation(int joiner, long startedAt, BitSet expected) {
      this.joiner = joiner;
      this.startedAt = startedAt;
      this.expected = expected;
    }
  }

  /** Binds the monitor to its cluster (the cluster needs the monitor first, as its event sink). */
  public void bind(GossipCluster cluster) {
    this.cluster = cluster;
    this.sim = cluster.sim();
  }

  private BitSet runningExcept(int member) {
    BitSet set = new BitSet(cluster.size());
    for (int i = 0; i < cluster.size(); i++) {
      if (i != member && running(i)) {
        set.set(i);
      }
    }
    return set;
  }

  /** True when the member runs and has not been asked to leave. */
  public boolean running(int member) {
    return sim.state(member).alive() && !leaving.get(member);
  }

  /** The workload is about to crash {@code member}: start timing its detection. */
  public void beforeCrash(int member) {
    if (!sim.state(member).alive()) {
      return;
    }
    if (detections.size() < TRACKED_MAX && !leaving.get(member)) {
      // Only members that hold the victim live can learn that it died: one that never heard of
      // it (a member that joined on the far side of a partition) has nothing to learn.
      BitSet expected = runningExcept(member);
      org.ppdb.gossip.MemberId victim = cluster.id(member);
      for (int o = expected.nextSetBit(0); o >= 0; o = expected.nextSetBit(o + 1)) {
        MemberStatus status = cluster.swim(o).view().status(victim);
        if (status == null || !status.isLive()) {
          expected.clear(o);
        }
      }
      detections.add(new Detection(member, sim.lives(member), sim.nowNanos(), expected));
    }
    forgetObserver(member);
  }

  /** The workload is about to make {@code member} leave gracefully. */
  public void beforeLeave(int member) {
    leaving.set(member);
    forgetObserver(member);
  }

  /** The workload started (or restarted) {@code member}: time its join, if tracked. */
  public void afterStart(int member, boolean track) {
    leaving.clear(member);
    if (lifeStartNanos.length <= member) {
      lifeStartNanos =
          java.util.Arrays.copyOf(lifeStartNanos, Math.max(member + 1, lifeStartNanos.length * 2));
    }
    lifeStartNanos[member] = sim.nowNanos();
    for (Detection d : detections) {
      if (d.victim == member && d.allKnowAt < 0) {
        d.abandoned = true; // it came back before everyone knew it was gone
      }
    }
    if (track && propagations.size() < TRACKED_MAX) {
      propagations.add(new Propagation(member, sim.nowNanos(), runningExcept(member)));
    }
  }

  /**
   * While true (a partition is installed), members declared dead while running are counted as
   * deaths across the partition, which are the protocol doing its job, not false declarations.
   */
  public void expectDeaths(boolean expected) {
    deathsExpected = expected;
  }

  /** The member's behaviour is impaired (paused, starved, clock jumped) by the schedule. */
  public void impair(int member) {
    impaired.set(member);
  }

  /** Adds {@code seconds} of the current running-member count to the member-time integral. */
  public void accrue(double seconds) {
    int running = 0;
    for (int i = 0; i < cluster.size(); i++) {
      if (running(i)) {
        running++;
      }
    }
    memberSeconds += running * seconds;
  }

  private void forgetObserver(int member) {
    // A member that stops is no longer expected to learn anything.
    for (Detection d : detections) {
      if (d.allKnowAt < 0 && d.expected.get(member)) {
        d.expected.clear(member);
        checkDetection(d);
      }
    }
    for (Propagation p : propagations) {
      if (p.allKnowAt < 0 && p.expected.get(member)) {
        p.expected.clear(member);
        checkPropagation(p);
      }
    }
  }

  @Override
  public void onEvent(int observer, MembershipEvent event) {
    MembershipEvent.Kind kind = event.kind();
    if (kind == MembershipEvent.Kind.METADATA_UPDATED || kind == MembershipEvent.Kind.ALIVE_AGAIN) {
      return;
    }
    if (kind == MembershipEvent.Kind.JOINED) {
      if (propagations.isEmpty()) {
        return;
      }
      int subject = cluster.indexOf(event.member().id());
      for (int i = propagations.size() - 1; i >= 0; i--) {
        Propagation p = propagations.get(i);
        if (p.joiner == subject && p.allKnowAt < 0) {
          p.knowers.set(observer);
          checkPropagation(p);
          break;
        }
      }
      return;
    }
    int subject = cluster.indexOf(event.member().id());
    if (subject < 0) {
      return;
    }
    long now = sim.nowNanos();
    if (kind == MembershipEvent.Kind.SUSPECTED || kind == MembershipEvent.Kind.DEAD) {
      Detection d = activeDetection(subject);
      if (d != null) {
        if (d.firstSuspicionAt < 0) {
          d.firstSuspicionAt = now;
        }
        if (kind == MembershipEvent.Kind.SUSPECTED) {
          d.suspecters++;
          d.suspectSeries.add(new double[] {now / 1e9, d.suspecters});
        } else if (!d.knowers.get(observer)) {
          d.knowers.set(observer);
          d.deadSeries.add(new double[] {now / 1e9, d.knowers.cardinality()});
          checkDetection(d);
        }
      } else if (running(subject) && kind == MembershipEvent.Kind.SUSPECTED) {
        suspicionsOfLiveMembers++;
      }
    }
    if (kind == MembershipEvent.Kind.DEAD && running(subject)) {
      long lifeStart = subject < lifeStartNanos.length ? lifeStartNanos[subject] : 0;
      if (now - lifeStart < LIFE_GRACE_NANOS && sim.lives(subject) > 1) {
        return; // likely news of its former life still travelling
      }
      if (deathsExpected) {
        partitionDeaths++;
        return;
      }
      falseDeadEvents++;
      Member m = event.member();
      long episode = (long) subject << 32 ^ m.incarnation();
      if (falseDeathEpisodes.add(episode)) {
        if (impaired.get(subject)) {
          falseDeadImpaired++;
        } else {
          falseDeadHealthy++;
          if (falseDeathSamples.size() < 5) {
            falseDeathSamples.add(
                "member "
                    + subject
                    + " (running) declared dead at "
                    + String.format(java.util.Locale.ROOT, "%.3f", now / 1e9)
                    + " s by "
                    + (m.reporter() == null ? "?" : cluster.indexOf(m.reporter()))
                    + ", incarnation "
                    + m.incarnation());
          }
        }
      }
    }
  }

  private Detection activeDetection(int victim) {
    for (int i = detections.size() - 1; i >= 0; i--) {
      Detection d = detections.get(i);
      if (d.victim == victim) {
        return d.abandoned || sim.lives(victim) != d.life || sim.state(victim).alive() ? null : d;
      }
    }
    return null;
  }

  private void checkDetection(Detection d) {
    if (d.allKnowAt < 0 && !d.abandoned) {
      BitSet missing = (BitSet) d.expected.clone();
      missing.andNot(d.knowers);
      if (missing.isEmpty()) {
        d.allKnowAt = sim.nowNanos();
      }
    }
  }

  private void checkPropagation(Propagation p) {
    if (p.allKnowAt < 0) {
      BitSet missing = (BitSet) p.expected.clone();
      missing.andNot(p.knowers);
      if (missing.isEmpty()) {
        p.allKnowAt = sim.nowNanos();
      }
    }
  }

  /**
   * Cheap test first (every running member counts the right number of live members), then the full
   * one; see {@link #divergences(int)}.
   */
  public boolean converged() {
    int running = 0;
    for (int i = 0; i < cluster.size(); i++) {
      if (running(i)) {
        running++;
      }
    }
    for (int i = 0; i < cluster.size(); i++) {
      if (running(i) && cluster.swim(i).view().liveCount() != running) {
        return false;
      }
    }
    return divergences(1).isEmpty();
  }

  /**
   * Up to {@code max} statements of where a running member's view differs from the truth: a running
   * member not alive in it, or a stopped member still live in it.
   */
  public List<String> divergences(int max) {
    List<String> out = new ArrayList<>();
    int n = cluster.size();
    for (int i = 0; i < n && out.size() < max; i++) {
      if (!running(i)) {
        continue;
      }
      Swim swim = cluster.swim(i);
      MembershipView view = swim.view();
      for (int j = 0; j < n && out.size() < max; j++) {
        if (j == i || sim.lives(j) == 0) {
          continue;
        }
        MemberStatus status = view.status(cluster.id(j));
        if (running(j)) {
          if (status != MemberStatus.ALIVE) {
            out.add("member " + i + " holds running member " + j + " as " + status);
          }
        } else if (status != null && status.isLive()) {
          out.add("member " + i + " holds " + sim.state(j) + " member " + j + " as " + status);
        }
      }
    }
    return out;
  }

  /** Writes the figures and the checkers' verdicts into {@code report}. */
  public void report(Report report, boolean demandDetection) {
    Distribution first = new Distribution();
    Distribution all = new Distribution();
    int undetected = 0;
    for (Detection d : detections) {
      if (d.abandoned) {
        continue;
      }
      if (d.firstSuspicionAt >= 0) {
        first.add((d.firstSuspicionAt - d.crashedAt) / 1e9);
      }
      if (d.allKnowAt >= 0) {
        all.add((d.allKnowAt - d.crashedAt) / 1e9);
      } else {
        undetected++;
        if (demandDetection) {
          BitSet missing = (BitSet) d.expected.clone();
          missing.andNot(d.knowers);
          report.violation(
              "crashed member "
                  + d.victim
                  + " not known dead by "
                  + missing.cardinality()
                  + " running members (e.g. member "
                  + missing.nextSetBit(0)
                  + ")");
        }
      }
    }
    report.figure("crashes timed", first.count(), "");
    report.figure("first suspicion p50", first.percentile(50), "s");
    report.figure("first suspicion p99", first.percentile(99), "s");
    report.figure("all know dead p50", all.percentile(50), "s");
    report.figure("all know dead p99", all.percentile(99), "s");
    report.figure("all know dead max", all.max(), "s");
    report.figure("crashes not known dead everywhere", undetected, "");
    Distribution joins = new Distribution();
    int unfinished = 0;
    for (Propagation p : propagations) {
      if (p.allKnowAt >= 0) {
        joins.add((p.allKnowAt - p.startedAt) / 1e9);
      } else if (running(p.joiner)) {
        unfinished++;
      }
    }
    report.figure("joins timed", joins.count(), "");
    report.figure("join reaches all p50", joins.percentile(50), "s");
    report.figure("join reaches all p99", joins.percentile(99), "s");
    report.figure("joins not reaching all", unfinished, "");
    double memberHours = memberSeconds / 3600;
    report.figure("member-hours observed", memberHours, "h");
    report.figure("false dead (healthy members)", falseDeadHealthy, "");
    report.figure(
        "false dead per member-hour (healthy)",
        memberHours > 0 ? falseDeadHealthy / memberHours : Double.NaN,
        "");
    report.figure("false dead (impaired members)", falseDeadImpaired, "");
    report.figure("dead events about running members", falseDeadEvents, "");
    report.figure("dead events across a partition", partitionDeaths, "");
    report.figure("suspicions of running members", suspicionsOfLiveMembers, "");
  }

  /** Sample descriptions of false deaths of healthy members. */
  public List<String> falseDeathSamples() {
    return falseDeathSamples;
  }

  public long falseDeadHealthy() {
    return falseDeadHealthy;
  }

  /** The plot series of the first timed crash: members suspecting it and knowing it dead. */
  public void plotFirstCrash(Report report) {
    for (Detection d : detections) {
      if (!d.abandoned) {
        report.series(
            new Report.Series("suspect member " + d.victim, withOrigin(d, d.suspectSeries)));
        report.series(
            new Report.Series("know " + d.victim + " is dead", withOrigin(d, d.deadSeries)));
        return;
      }
    }
  }

  private static List<double[]> withOrigin(Detection d, List<double[]> points) {
    List<double[]> out = new ArrayList<>(points.size() + 1);
    out.add(new double[] {d.crashedAt / 1e9, 0});
    out.addAll(points);
    return out;
  }
}
