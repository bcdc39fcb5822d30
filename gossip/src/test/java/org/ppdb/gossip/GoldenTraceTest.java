package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden traces of the state machine, in the style of etcd/raft's datadriven tests: each file under
 * {@code src/test/resources/testdata/} is a script of commands, each followed by {@code ----} and
 * the outputs it must produce (messages sent, events, views). Run with {@code -Dppdb.rewrite=true}
 * to rewrite the files with the actual outputs, then review the change as a diff.
 *
 * <p>Commands: {@code config memberlist|ppdb}; {@code node NAME [incarnation=N]} creates a core
 * advertised at {@code NAME:7946}; {@code join NAME [SEED...]}; {@code time +DURATION} or {@code
 * time DURATION} (ms or s) sets the clock; {@code tick NAME...|all}; {@code deliver
 * [FROM->TO|*->TO| FROM->*]} delivers the messages in flight (those produced by earlier commands,
 * in order); {@code drop [filter]} loses them; {@code crash NAME} makes a node lose everything sent
 * to it; {@code leave NAME}; {@code metadata NAME TEXT}; {@code view NAME}; {@code inject FROM->TO
 * MESSAGE} delivers a hand-made message (Ping, Ack, Nack, Alive, Suspect, Dead; see {@link
 * #inject}).
 */
class GoldenTraceTest {
  private static final Path DIR = Path.of("src", "test", "resources", "testdata");
  private static final boolean REWRITE = Boolean.getBoolean("ppdb.rewrite");

  static Stream<String> files() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".txt"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void trace(String file) throws IOException {
    Path path = DIR.resolve(file);
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    StringBuilder expected = new StringBuilder();
    StringBuilder actual = new StringBuilder();
    Script script = new Script();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        expected.append(line).append('\n');
        actual.append(line).append('\n');
        i++;
        continue;
      }
      String command = line;
      i++;
      StringBuilder want = new StringBuilder();
      if (i < lines.size() && lines.get(i).equals("----")) {
        i++;
        while (i < lines.size() && !lines.get(i).isEmpty()) {
          want.append(lines.get(i)).append('\n');
          i++;
        }
      }
      String got;
      try {
        got = script.run(command);
      } catch (RuntimeException e) {
        got = "error: " + e.getMessage() + "\n";
      }
      expected.append(command).append("\n----\n").append(want).append('\n');
      actual.append(command).append("\n----\n").append(got).append('\n');
      // Keep the single blank line that separates blocks.
      if (i < lines.size() && lines.get(i).isEmpty()) {
        i++;
      }
    }
    if (REWRITE) {
      Files.writeString(path, actual.toString().stripTrailing() + "\n", StandardCharsets.UTF_8);
      return;
    }
    assertThat(actual.toString().stripTrailing())
        .as("%s (rewrite with -Dppdb.rewrite=true and review the diff)", file)
        .isEqualTo(expected.toString().stripTrailing());
  }

  /** The state of one script: nodes, the clock and the messages in flight. */
  private static final class Script {
    private SwimConfig config = SwimConfig.memberlistLan();
    private final Map<String, Swim> nodes = new LinkedHashMap<>();
    private final Map<Address, String> names = new LinkedHashMap<>();
    private final List<String> crashed = new ArrayList<>();
    private final List<String> isolated = new ArrayList<>();
    private final List<InFlight> inFlight = new ArrayList<>();
    private long now;

    private record InFlight(String from, String to, SwimMessage message) {}

    private final class Recorder implements Outbox {
      final String name;
      final StringBuilder out;

      Recorder(String name, StringBuilder out) {
        this.name = name;
        this.out = out;
      }

      @Override
      public void send(Address to, SwimMessage message) {
        String target = names.getOrDefault(to, to.toString());
        out.append(name)
            .append(" -> ")
            .append(target)
            .append(' ')
            .append(format(message))
            .append('\n');
        inFlight.add(new InFlight(name, target, message));
      }

      @Override
      public void event(MembershipEvent event) {
        out.append(name)
            .append(": ")
            .append(event.kind())
            .append(' ')
            .append(format(event.member()))
            .append('\n');
      }
    }

    String run(String command) {
      String[] args = command.trim().split("\\s+");
      StringBuilder out = new StringBuilder();
      switch (args[0]) {
        case "config" ->
            config =
                args[1].equals("ppdb") ? SwimConfig.ppdbDefaults() : SwimConfig.memberlistLan();
        case "node" -> {
          String name = args[1];
          long incarnation =
              args.length > 2 ? Long.parseLong(args[2].substring("incarnation=".length())) : 0;
          Address address = new Address(name, 7946);
          Member self =
              new Member(
                  MemberId.of(name),
                  List.of(address),
                  incarnation,
                  MemberStatus.ALIVE,
                  0,
                  null,
                  null);
          nodes.put(name, new Swim(config, self, new SplittableRandom(name.hashCode())));
          names.put(address, name);
          crashed.remove(name);
        }
        case "join" -> {
          List<Address> seeds = new ArrayList<>();
          for (int k = 2; k < args.length; k++) {
            seeds.add(new Address(args[k], 7946));
          }
          node(args[1]).join(seeds, now, new Recorder(args[1], out));
        }
        case "time" -> {
          long t = parseDuration(args[1].replace("+", ""));
          now = args[1].startsWith("+") ? now + t : t;
          out.append("now=").append(now / 1_000_000).append("ms\n");
        }
        case "tick" -> {
          List<String> which =
              args[1].equals("all")
                  ? new ArrayList<>(nodes.keySet())
                  : List.of(args).subList(1, args.length);
          for (String name : which) {
            if (!crashed.contains(name)) {
              node(name).onTick(now, new Recorder(name, out));
            }
          }
        }
        case "deliver", "drop" -> {
          boolean deliver = args[0].equals("deliver");
          String filter = args.length > 1 ? args[1] : "*->*";
          List<InFlight> batch = new ArrayList<>();
          for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
            InFlight f = it.next();
            if (matches(filter, f)) {
              batch.add(f);
              it.remove();
            }
          }
          for (InFlight f : batch) {
            if (!deliver) {
              out.append("dropped ")
                  .append(f.from)
                  .append(" -> ")
                  .append(f.to)
                  .append(' ')
                  .append(format(f.message))
                  .append('\n');
            } else if (!crashed.contains(f.to) && nodes.containsKey(f.to)) {
              node(f.to)
                  .onMessage(new Address(f.from, 7946), f.message, now, new Recorder(f.to, out));
            }
          }
        }
        case "crash" -> crashed.add(args[1]);
        case "run" -> runFor(parseDuration(args[1]), out);
        case "isolate" -> isolated.add(args[1]);
        case "heal" -> isolated.remove(args[1]);
        case "leave" -> node(args[1]).leave(now, new Recorder(args[1], out));
        case "metadata" ->
            node(args[1])
                .updateMetadata(
                    args[2].getBytes(StandardCharsets.UTF_8), now, new Recorder(args[1], out));
        case "inject" -> inject(args, out);
        case "view" -> {
          Swim swim = node(args[1]);
          TreeMap<MemberId, Member> sorted = new TreeMap<>();
          swim.view().forEach(m -> sorted.put(m.id(), m));
          for (Member m : sorted.values()) {
            out.append(format(m)).append('\n');
          }
          out.append("live=")
              .append(swim.view().liveCount())
              .append(" health=")
              .append(swim.localHealthScore())
              .append(" dropped=")
              .append(swim.droppedMessages())
              .append(" pending=")
              .append(swim.pendingBroadcasts())
              .append(" next=")
              .append(
                  swim.nextDeadlineNanos() == Swim.NEVER
                      ? "never"
                      : swim.nextDeadlineNanos() / 1_000_000 + "ms")
              .append('\n');
        }
        default -> throw new IllegalArgumentException("unknown command: " + args[0]);
      }
      return out.length() == 0 ? "ok\n" : out.toString();
    }

    /**
     * {@code run DURATION}: advances the clock in 100 ms steps; at each step every node that is not
     * crashed ticks, and messages are delivered at once until none is in flight. Prints events
     * only, with their time.
     */
    private void runFor(long nanos, StringBuilder out) {
      long end = now + nanos;
      while (now < end) {
        now = Math.min(end, now + 100_000_000L);
        StringBuilder quiet = new StringBuilder();
        for (String name : nodes.keySet()) {
          if (!crashed.contains(name)) {
            node(name).onTick(now, new Recorder(name, quiet));
          }
        }
        for (int hops = 0; !inFlight.isEmpty() && hops < 10; hops++) {
          List<InFlight> batch = new ArrayList<>(inFlight);
          inFlight.clear();
          for (InFlight f : batch) {
            if (!crashed.contains(f.to)
                && nodes.containsKey(f.to)
                && !isolated.contains(f.to)
                && !isolated.contains(f.from)) {
              node(f.to)
                  .onMessage(new Address(f.from, 7946), f.message, now, new Recorder(f.to, quiet));
            }
          }
        }
        inFlight.clear();
        for (String line : quiet.toString().split("\n")) {
          if (line.contains(": ")) {
            out.append(now / 1_000_000).append("ms ").append(line).append('\n');
          }
        }
      }
    }

    /**
     * {@code inject FROM->TO KIND ...}: {@code Ping SEQ TARGET}, {@code Ack SEQ}, {@code Nack SEQ},
     * or a gossip of one record: {@code Alive|Suspect|Dead|Left ID INCARNATION [REPORTER]}.
     */
    private void inject(String[] args, StringBuilder out) {
      String[] ends = args[1].split("->");
      SwimMessage message =
          switch (args[2]) {
            case "Ping" ->
                new SwimMessage.Ping(Long.parseLong(args[3]), MemberId.of(args[4]), List.of());
            case "Ack" -> new SwimMessage.Ack(Long.parseLong(args[3]), List.of());
            case "Nack" -> new SwimMessage.Nack(Long.parseLong(args[3]));
            default -> {
              MemberStatus status =
                  MemberStatus.valueOf(args[2].toUpperCase(java.util.Locale.ROOT));
              MemberId reporter = args.length > 5 ? MemberId.of(args[5]) : null;
              Member m =
                  new Member(
                      MemberId.of(args[3]),
                      List.of(new Address(args[3], 7946)),
                      Long.parseLong(args[4]),
                      status,
                      0,
                      null,
                      reporter);
              yield new SwimMessage.Gossip(List.of(m));
            }
          };
      node(ends[1]).onMessage(new Address(ends[0], 7946), message, now, new Recorder(ends[1], out));
    }

    private Swim node(String name) {
      Swim swim = nodes.get(name);
      if (swim == null) {
        throw new IllegalArgumentException("no node " + name);
      }
      return swim;
    }

    private static boolean matches(String filter, InFlight f) {
      String[] ends = filter.split("->");
      return (ends[0].equals("*") || ends[0].equals(f.from))
          && (ends[1].equals("*") || ends[1].equals(f.to));
    }

    private static long parseDuration(String s) {
      if (s.endsWith("ms")) {
        return Long.parseLong(s.substring(0, s.length() - 2)) * 1_000_000L;
      }
      if (s.endsWith("s")) {
        return Long.parseLong(s.substring(0, s.length() - 1)) * 1_000_000_000L;
      }
      throw new IllegalArgumentException("duration: " + s + " (expected: Nms or Ns)");
    }
  }

  static String format(Member m) {
    StringBuilder sb = new StringBuilder();
    sb.append(m.id()).append(" inc=").append(m.incarnation()).append(' ').append(m.status());
    if (m.reporter() != null) {
      sb.append(" by ").append(m.reporter());
    }
    if (m.metadataVersion() != 0 || m.metadata().length != 0) {
      sb.append(" meta=v")
          .append(m.metadataVersion())
          .append(':')
          .append(new String(m.metadata(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  static String format(List<Member> members) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < members.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(format(members.get(i)));
    }
    return sb.append(']').toString();
  }

  static String format(SwimMessage message) {
    if (message instanceof SwimMessage.Ping p) {
      return "Ping seq=" + p.seq() + " target=" + p.target() + " " + format(p.updates());
    } else if (message instanceof SwimMessage.PingReq p) {
      return "PingReq seq=" + p.seq() + " target=" + p.target() + " " + format(p.updates());
    } else if (message instanceof SwimMessage.Ack a) {
      return "Ack seq=" + a.seq() + " " + format(a.updates());
    } else if (message instanceof SwimMessage.Nack n) {
      return "Nack seq=" + n.seq();
    } else if (message instanceof SwimMessage.Gossip g) {
      return "Gossip " + format(g.updates());
    } else if (message instanceof SwimMessage.PushPull p) {
      return "PushPull"
          + (p.reply() ? " reply" : "")
          + (p.join() ? " join" : "")
          + " "
          + format(p.members());
    }
    throw new IllegalArgumentException("message: " + message);
  }
}
