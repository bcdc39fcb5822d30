package org.ppdb.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.discovery.MdnsHintFilter.Outcome;

class MdnsHintFilterTest {

  private static final String SELF = "1".repeat(40);
  private static final String PEER = "2".repeat(40);
  private static final String OTHER = "3".repeat(40);

  private final MdnsHintFilter filter = new MdnsHintFilter("blue", SELF, 2, 2);

  private static InetAddress[] addresses(String... literals) throws UnknownHostException {
    InetAddress[] result = new InetAddress[literals.length];
    for (int i = 0; i < literals.length; i++) {
      result[i] = InetAddress.getByName(literals[i]);
    }
    return result;
  }

  private static byte[] advert(String cluster, String id, int gossip) {
    return new MdnsAdvert(cluster, id, gossip, gossip + 1).encodeTxt();
  }

  @Test
  void aPeerOfOurClusterIsReportedWithItsAddressesAndPorts() throws Exception {
    MdnsHintFilter.Result result =
        filter.offer("ppdb-peer", advert("blue", PEER, 7000), addresses("10.200.0.2", "fe80::2"));
    assertThat(result.outcome()).isEqualTo(Outcome.REPORTED);
    assertThat(result.hint())
        .isEqualTo(
            new PeerHint(PEER, java.util.List.of(addresses("10.200.0.2", "fe80::2")), 7000, 7001));
    assertThat(result.hint().gossipEndpoints().get(0).getPort()).isEqualTo(7000);
    assertThat(result.hint().dataEndpoints().get(1).getPort()).isEqualTo(7001);
  }

  @Test
  void ourOwnRecordAndOtherClustersAreIgnored() throws Exception {
    assertThat(
            filter
                .offer("ppdb-self", advert("blue", SELF, 7000), addresses("10.200.0.1"))
                .outcome())
        .isEqualTo(Outcome.SELF);
    assertThat(
            filter.offer("ppdb-red", advert("red", PEER, 7000), addresses("10.200.0.2")).outcome())
        .isEqualTo(Outcome.OTHER_CLUSTER);
    assertThat(
            filter
                .offer("ppdb-Blue", advert("Blue", PEER, 7000), addresses("10.200.0.2"))
                .outcome())
        .as("cluster names compare exactly")
        .isEqualTo(Outcome.OTHER_CLUSTER);
    DiscoveryStats stats = filter.stats();
    assertThat(stats.ignoredSelf()).isEqualTo(1);
    assertThat(stats.ignoredOtherCluster()).isEqualTo(2);
    assertThat(stats.reported()).isZero();
  }

  @Test
  void malformedFutureAndIncompleteRecordsAreCountedApart() throws Exception {
    InetAddress[] at = addresses("10.200.0.2");
    assertThat(filter.offer("a", new byte[] {9, 'x'}, at).outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(
            filter
                .offer(
                    "b",
                    MdnsAdvertTest.txt(
                        "txtvers=9", "cluster=blue", "id=" + PEER, "gossip=1", "data=2"),
                    at)
                .outcome())
        .isEqualTo(Outcome.UNSUPPORTED_VERSION);
    assertThat(filter.offer("c", null, at).outcome()).isEqualTo(Outcome.INCOMPLETE);
    assertThat(filter.offer("c", new byte[] {0}, at).outcome()).isEqualTo(Outcome.INCOMPLETE);
    DiscoveryStats stats = filter.stats();
    assertThat(stats.malformed()).isEqualTo(1);
    assertThat(stats.unsupportedVersion()).isEqualTo(1);
    assertThat(stats.incomplete()).isEqualTo(2);
    assertThat(stats.announcements()).isEqualTo(4);
  }

  @Test
  void unusableAddressesAreDroppedAndTheRestCapped() throws Exception {
    assertThat(
            filter
                .offer("p", advert("blue", PEER, 7000), addresses("0.0.0.0", "224.0.0.251"))
                .outcome())
        .isEqualTo(Outcome.NO_ADDRESS);
    assertThat(filter.offer("p", advert("blue", PEER, 7000), null).outcome())
        .isEqualTo(Outcome.NO_ADDRESS);
    MdnsHintFilter.Result result =
        filter.offer(
            "p",
            advert("blue", PEER, 7000),
            addresses("224.0.0.251", "10.200.0.2", "10.200.0.2", "10.200.0.3", "10.200.0.4"));
    assertThat(result.hint().addresses()).containsExactly(addresses("10.200.0.2", "10.200.0.3"));
    assertThat(filter.stats().noAddress()).isEqualTo(2);
  }

  @Test
  void repeatsAreSuppressedUntilTheContentChangesOrTheInstanceWithdraws() throws Exception {
    InetAddress[] at = addresses("10.200.0.2");
    assertThat(filter.offer("ppdb-p", advert("blue", PEER, 7000), at).outcome())
        .isEqualTo(Outcome.REPORTED);
    assertThat(filter.offer("PPDB-P", advert("blue", PEER, 7000), at).outcome())
        .as("instance names compare case-insensitively")
        .isEqualTo(Outcome.DUPLICATE);
    assertThat(filter.offer("ppdb-p", null, at).outcome()).isEqualTo(Outcome.INCOMPLETE);
    assertThat(filter.offer("ppdb-p", advert("blue", PEER, 7000), at).outcome())
        .as("an incomplete resolution does not make the peer new again")
        .isEqualTo(Outcome.DUPLICATE);
    assertThat(filter.offer("ppdb-p", advert("blue", PEER, 7100), at).outcome())
        .as("a new port is news")
        .isEqualTo(Outcome.REPORTED);
    assertThat(filter.withdraw("ppdb-p")).isTrue();
    assertThat(filter.withdraw("ppdb-p")).isFalse();
    assertThat(filter.offer("ppdb-p", advert("blue", PEER, 7100), at).outcome())
        .as("a peer that comes back is reported again")
        .isEqualTo(Outcome.REPORTED);
    DiscoveryStats stats = filter.stats();
    assertThat(stats.reported()).isEqualTo(3);
    assertThat(stats.duplicates()).isEqualTo(2);
    assertThat(stats.withdrawn()).isEqualTo(1);
  }

  @Test
  void whenTheTableIsFullNewInstancesAreDroppedAndKnownOnesKept() throws Exception {
    InetAddress[] at = addresses("10.200.0.2");
    assertThat(filter.offer("one", advert("blue", PEER, 1000), at).outcome())
        .isEqualTo(Outcome.REPORTED);
    assertThat(filter.offer("two", advert("blue", OTHER, 2000), at).outcome())
        .isEqualTo(Outcome.REPORTED);
    assertThat(filter.offer("three", advert("blue", "4".repeat(40), 3000), at).outcome())
        .isEqualTo(Outcome.OVER_CAPACITY);
    assertThat(filter.offer("one", advert("blue", PEER, 1001), at).outcome())
        .as("known instances may still change")
        .isEqualTo(Outcome.REPORTED);
    assertThat(filter.trackedCount()).isEqualTo(2);
    filter.withdraw("two");
    assertThat(filter.offer("three", advert("blue", "4".repeat(40), 3000), at).outcome())
        .isEqualTo(Outcome.REPORTED);
    assertThat(filter.stats().overCapacity()).isEqualTo(1);
  }

  @Test
  void everyAnnouncementIsCountedUnderExactlyOneOutcome() throws Exception {
    InetAddress[] at = addresses("10.200.0.2");
    filter.offer("a", advert("blue", PEER, 1000), at);
    filter.offer("a", advert("blue", PEER, 1000), at);
    filter.offer("b", advert("red", PEER, 1000), at);
    filter.offer("c", new byte[] {1}, at);
    filter.offer("d", null, at);
    filter.countListenerFailure();
    DiscoveryStats s = filter.stats();
    assertThat(s.announcements())
        .isEqualTo(5)
        .isEqualTo(
            s.reported()
                + s.incomplete()
                + s.duplicates()
                + s.ignoredSelf()
                + s.ignoredOtherCluster()
                + s.malformed()
                + s.unsupportedVersion()
                + s.noAddress()
                + s.overCapacity());
    assertThat(s.listenerFailures()).isEqualTo(1);
  }
}
