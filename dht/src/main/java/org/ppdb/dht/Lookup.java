package org.ppdb.dht;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one iterative lookup (Kademlia paper, section 2.3), optionally over d disjoint paths
 * (S/Kademlia, Baumgart and Mies 2007, section 4.4).
 *
 * <p>Each path keeps a shortlist of candidates sorted by XOR distance to the target. It keeps up to
 * alpha requests in flight to the closest candidates not yet asked, considering only the k closest
 * candidates that have not failed; an answer adds the contacts it carries, a timeout removes the
 * candidate for good (the contact stays in {@link #seen} and is never asked again by this lookup).
 * A path is done when its k closest live candidates have all answered. Requests are not grouped in
 * strict rounds (a new request leaves as soon as one slot frees), so {@link #rounds} is the longest
 * chain of dependent requests.
 *
 * <p>Disjoint paths share the {@link #seen} set: a contact belongs to the first path that learns of
 * it, so no node is asked by two paths and one bad node can mislead one path only.
 *
 * <p>Memory is bounded by {@code d * lookupShortlistMax} entries plus the seen set (one id per
 * contact learned, at most requests * contactsPerMessageMax). Not thread-safe.
 */
final class Lookup {
  static final byte NEW = 0;
  static final byte IN_FLIGHT = 1;
  static final byte ANSWERED = 2;
  static final byte FAILED = 3;

  /** One candidate of a path. */
  static final class Entry {
    final Contact contact;
    final int round;
    byte state = NEW;

    Entry(Contact contact, int round) {
      this.contact = contact;
      this.round = round;
    }
  }

  /** One path: its shortlist and its requests in flight. */
  static final class Path {
    final ArrayList<Entry> shortlist = new ArrayList<>();
    int inFlight;
    boolean done;
  }

  /** Sends the request for {@code entry} on {@code path}. */
  interface Querier {
    void query(int path, Entry entry);
  }

  /** Identity of a record within one key: one record per publisher and kind. */
  private record RecordId(NodeId publisher, RecordKind kind) {}

  final NodeId target;
  final boolean findValue;
  private final int k;
  private final int alpha;
  private final int shortlistMax;
  private final int requestsMax;
  private final int recordsMax;
  private final int recordsWanted;
  private final RecordKind wantedKind;
  final Path[] paths;
  private final HashSet<NodeId> seen = new HashSet<>();
  private final Map<RecordId, DhtRecord> records;

  int rounds;
  int requests;
  int responses;
  int timeouts;

  Lookup(
      NodeId self,
      NodeId target,
      boolean findValue,
      RecordKind wantedKind,
      int recordsWanted,
      DhtConfig config,
      List<DhtRecord> localRecords) {
    this.target = target;
    this.findValue = findValue;
    this.k = config.bucketSize();
    this.alpha = config.alpha();
    this.shortlistMax = config.lookupShortlistMax();
    this.requestsMax = config.lookupRequestsMax();
    this.recordsMax = config.recordsPerKeyMax();
    this.recordsWanted = recordsWanted;
    this.wantedKind = wantedKind;
    this.paths = new Path[config.disjointPaths()];
    for (int p = 0; p < paths.length; p++) {
      paths[p] = new Path();
    }
    seen.add(self);
    this.records = findValue ? new LinkedHashMap<>() : Map.of();
    if (findValue) {
      addRecords(localRecords);
    }
  }

  /**
   * Adds the first candidates, closest first, dealt round-robin over the paths so each path starts
   * from a different part of the neighbourhood (S/Kademlia's initial split).
   */
  void seed(List<Contact> closestFirst, int round) {
    int p = 0;
    for (Contact c : closestFirst) {
      if (seen.add(c.id())) {
        insert(paths[p], new Entry(c, round));
        p = (p + 1) % paths.length;
      }
    }
  }

  /** Adds a contact that already answered this lookup's question (a bootstrap seed). */
  void seedAnswered(Contact c, int round) {
    if (seen.add(c.id())) {
      Entry e = new Entry(c, round);
      e.state = ANSWERED;
      insert(paths[0], e);
    }
  }

  /** Sends requests where slots are free and marks finished paths done. */
  void advance(Querier querier) {
    for (int p = 0; p < paths.length; p++) {
      Path path = paths[p];
      if (path.done) {
        continue;
      }
      boolean allAnswered = true;
      int considered = 0;
      for (int i = 0; i < path.shortlist.size() && considered < k; i++) {
        Entry e = path.shortlist.get(i);
        considered++;
        if (e.state == NEW) {
          if (requests >= requestsMax) {
            // The request budget is spent: what has not been asked never will be.
            continue;
          }
          allAnswered = false;
          if (path.inFlight < alpha) {
            e.state = IN_FLIGHT;
            path.inFlight++;
            requests++;
            rounds = Math.max(rounds, e.round);
            querier.query(p, e);
          }
        } else if (e.state == IN_FLIGHT) {
          allAnswered = false;
        }
      }
      if (allAnswered) {
        path.done = true;
      }
    }
  }

  /** Whether every path is done, or a value lookup found what it wanted. */
  boolean isDone() {
    if (findValue && records.size() >= recordsWanted) {
      return true;
    }
    for (Path path : paths) {
      if (!path.done) {
        return false;
      }
    }
    return true;
  }

  /** Records an answer of {@code e} carrying {@code contacts} (and records for FIND_VALUE). */
  void onAnswer(int p, Entry e, List<Contact> contacts, List<DhtRecord> found) {
    Path path = paths[p];
    if (e.state != IN_FLIGHT) {
      return;
    }
    e.state = ANSWERED;
    path.inFlight--;
    responses++;
    for (Contact c : contacts) {
      if (seen.add(c.id())) {
        insert(path, new Entry(c, e.round + 1));
      }
    }
    if (findValue) {
      addRecords(found);
    }
  }

  /** Records that {@code e} did not answer in time: it leaves the path and is never asked again. */
  void onTimeout(int p, Entry e) {
    Path path = paths[p];
    if (e.state != IN_FLIGHT) {
      return;
    }
    e.state = FAILED;
    path.inFlight--;
    timeouts++;
    path.shortlist.remove(e);
  }

  private void addRecords(List<DhtRecord> found) {
    for (DhtRecord r : found) {
      if (records.size() >= recordsMax) {
        return;
      }
      if (r.key().equals(target) && r.kind() == wantedKind) {
        records.putIfAbsent(new RecordId(r.publisher().id(), r.kind()), r);
      }
    }
  }

  private void insert(Path path, Entry e) {
    ArrayList<Entry> list = path.shortlist;
    int lo = 0;
    int hi = list.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (NodeId.compareDistance(target, list.get(mid).contact.id(), e.contact.id()) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo >= shortlistMax) {
      return;
    }
    list.add(lo, e);
    if (list.size() > shortlistMax) {
      // Far candidates beyond the bound cannot enter the k closest unless many closer ones fail;
      // an in-flight one dropped here still has its answer counted when it arrives.
      list.remove(list.size() - 1);
    }
  }

  /** The {@code n} closest contacts that answered, over all paths, closest first. */
  List<Contact> closestAnswered(int n) {
    List<Contact> out = new ArrayList<>();
    for (Path path : paths) {
      for (Entry e : path.shortlist) {
        if (e.state == ANSWERED) {
          out.add(e.contact);
        }
      }
    }
    out.sort((a, b) -> NodeId.compareDistance(target, a.id(), b.id()));
    return out.size() > n ? List.copyOf(out.subList(0, n)) : List.copyOf(out);
  }

  List<DhtRecord> records() {
    return List.copyOf(records.values());
  }
}
