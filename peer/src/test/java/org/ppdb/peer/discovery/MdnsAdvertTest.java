package org.ppdb.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MdnsAdvertTest {

  private static final String ID = "0123456789abcdef0123456789abcdef01234567";
  private static final MdnsAdvert ADVERT = new MdnsAdvert("prod-eu.1", ID, 7946, 7947);

  static byte[] txt(String... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String entry : entries) {
      byte[] bytes = entry.getBytes(StandardCharsets.ISO_8859_1);
      out.write(bytes.length);
      out.write(bytes, 0, bytes.length);
    }
    return out.toByteArray();
  }

  private static MalformedAdvertException.Reason reasonOf(byte[] txt) {
    try {
      MdnsAdvert.decodeTxt(txt);
    } catch (MalformedAdvertException e) {
      return e.reason();
    }
    return fail("decoded: %s", new String(txt, StandardCharsets.ISO_8859_1));
  }

  @Test
  void encodesTheDocumentedLayout() {
    assertThat(ADVERT.encodeTxt())
        .isEqualTo(txt("txtvers=1", "cluster=prod-eu.1", "id=" + ID, "gossip=7946", "data=7947"));
  }

  @Test
  void roundTrips() throws Exception {
    assertThat(MdnsAdvert.decodeTxt(ADVERT.encodeTxt())).isEqualTo(ADVERT);
  }

  @Test
  void followsRfc6763OnKeysOrderAndUnknownEntries() throws Exception {
    byte[] txt =
        txt(
            "",
            "flag",
            "=novalue",
            "DATA=7947",
            "Cluster=prod-eu.1",
            "cluster=shadowed",
            "future=whatever",
            "gossip=7946",
            "id=" + ID,
            "TXTVERS=1");
    assertThat(MdnsAdvert.decodeTxt(txt)).isEqualTo(ADVERT);
  }

  @Test
  void refusesWhatIsMalformed() {
    assertThat(reasonOf(new byte[0])).isEqualTo(MalformedAdvertException.Reason.MISSING_KEY);
    assertThat(reasonOf(new byte[] {5, 'a', '='}))
        .isEqualTo(MalformedAdvertException.Reason.BAD_FRAMING);
    assertThat(reasonOf(new byte[MdnsAdvert.TXT_BYTES_MAX + 1]))
        .isEqualTo(MalformedAdvertException.Reason.TOO_LARGE);
    String[] many = new String[MdnsAdvert.TXT_ENTRIES_MAX + 1];
    java.util.Arrays.fill(many, "x=1");
    assertThat(reasonOf(txt(many))).isEqualTo(MalformedAdvertException.Reason.TOO_MANY_ENTRIES);
    assertThat(reasonOf(txt("txtvers=1", "cluster=c", "gossip=1", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.MISSING_KEY);
    assertThat(reasonOf(txt("txtvers=2", "cluster=c", "id=" + ID, "gossip=1", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.UNSUPPORTED_VERSION);
    assertThat(
            reasonOf(txt("txtvers=1", "cluster=c", "id=" + ID.toUpperCase(), "gossip=1", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.BAD_VALUE);
    assertThat(reasonOf(txt("txtvers=1", "cluster=-c", "id=" + ID, "gossip=1", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.BAD_VALUE);
    assertThat(reasonOf(txt("txtvers=1", "cluster=c", "id=" + ID, "gossip=0", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.BAD_VALUE);
    assertThat(reasonOf(txt("txtvers=1", "cluster=c", "id=" + ID, "gossip=65536", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.BAD_VALUE);
    assertThat(reasonOf(txt("txtvers=1", "cluster=c", "id=" + ID, "gossip=07946", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.BAD_VALUE);
    assertThat(reasonOf(txt("txtvers=1", "cluster=c\u00e9", "id=" + ID, "gossip=1", "data=2")))
        .isEqualTo(MalformedAdvertException.Reason.BAD_VALUE);
  }

  @Test
  void errorMessagesSayWhatWasExpected() {
    assertThatThrownBy(() -> MdnsAdvert.decodeTxt(new byte[] {5, 'a', '='}))
        .hasMessage("BAD_FRAMING: entry of 5 bytes at offset 0 runs past the end (3 bytes)");
    assertThatThrownBy(() -> new MdnsAdvert("c", "xyz", 1, 2))
        .hasMessage("nodeId: 'xyz' (expected: 40 lower-case hex digits)");
    assertThatThrownBy(() -> new MdnsAdvert("c", ID, 0, 2))
        .hasMessage("gossipPort: 0 (expected: 1-65535)");
    assertThatThrownBy(() -> new MdnsAdvert("c".repeat(65), ID, 1, 2))
        .hasMessageStartingWith("cluster: 'ccc");
  }

  @Test
  void theLongestAdvertFitsTheDecodeLimit() throws Exception {
    MdnsAdvert longest =
        new MdnsAdvert("c".repeat(MdnsAdvert.CLUSTER_NAME_CHARS_MAX), ID, 65535, 65535);
    assertThat(longest.encodeTxt().length).isLessThanOrEqualTo(MdnsAdvert.TXT_BYTES_MAX);
    assertThat(MdnsAdvert.decodeTxt(longest.encodeTxt())).isEqualTo(longest);
  }

  /** Random bytes and bit flips of a valid record: decoded or refused, never anything else. */
  @Test
  void randomAndMutatedRecordsAreDecodedOrRefusedNeverCrash() {
    long seed = 0x5eed_7a1dL;
    SplittableRandom random = new SplittableRandom(seed);
    byte[] valid = ADVERT.encodeTxt();
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      if (random.nextBoolean()) {
        input = new byte[random.nextInt(MdnsAdvert.TXT_BYTES_MAX + 64)];
        random.nextBytes(input);
      } else {
        input = valid.clone();
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
          input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      try {
        MdnsAdvert decoded = MdnsAdvert.decodeTxt(input);
        assertThat(decoded.encodeTxt().length)
            .as("seed %d, iteration %d", seed, i)
            .isLessThanOrEqualTo(MdnsAdvert.TXT_BYTES_MAX);
      } catch (MalformedAdvertException e) {
        refused++;
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ", iteration " + i + ": " + e, e);
      }
    }
    assertThat(refused).as("seed %d", seed).isGreaterThan(10_000);
  }
}
