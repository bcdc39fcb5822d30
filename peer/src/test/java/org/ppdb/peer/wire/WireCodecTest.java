package org.ppdb.peer.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireCodecTest {
  private final WireCodec codec = new WireCodec(1400, WireCodec.DEFAULT_MAX_DEPTH);

  @Test
  void unregisteredClassesAreRefusedOnBothSides() {
    assertThatThrownBy(() -> codec.encode(new java.util.HashMap<String, String>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HashMap");
    // Registration id 99 is not in the table.
    WireCodec.Decoded decoded = codec.decode(new byte[] {(byte) (99 + 2), 0});
    assertThat(decoded.ok()).isFalse();
    assertThat(decoded.error()).contains("unregistered");
  }

  @Test
  void hostileLengthPrefixesFailWithoutAllocating() {
    // byte[] (id 10 -> varint 12) claiming 2^31-1 bytes, with 3 bytes present.
    byte[] hugeArray = {12, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3};
    assertThat(codec.decode(hugeArray).error()).contains("byte[] length: 2147483647");
    // ArrayList (id 11 -> 13) claiming 2^28 elements.
    byte[] hugeList = {13, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    assertThat(codec.decode(hugeList).error()).contains("list length: 268435456");
    // String (id 1 -> 3) claiming 100 bytes, with 1 present.
    assertThat(codec.decode(new byte[] {3, 100, 65}).error()).contains("string length: 100");
  }

  @Test
  void invalidUtf8AndInvalidRecordValuesAreDecodeErrors() {
    assertThat(codec.decode(new byte[] {3, 2, (byte) 0xc3, 0x28}).error()).contains("UTF-8");
    // Hello (id 32 -> 34) with an empty cluster name: its constructor refuses it.
    assertThat(codec.decode(new byte[] {34, 1, 0, 1, 1}).error()).contains("clusterName");
  }

  @Test
  void trailingBytesAndEmptyInputAreErrors() {
    byte[] encoded = codec.encode("x");
    byte[] longer = java.util.Arrays.copyOf(encoded, encoded.length + 1);
    assertThat(codec.decode(longer).error()).contains("1 trailing bytes");
    assertThat(codec.decode(new byte[0]).ok()).isFalse();
  }

  @Test
  void nestingBeyondTheDepthLimitIsRejected() {
    WireCodec deep = new WireCodec(1400, 64);
    Object nested = "leaf";
    for (int i = 0; i < 30; i++) {
      nested = new ArrayList<>(List.of(nested));
    }
    byte[] encoded = deep.encode(nested);
    assertThat(deep.decode(encoded).ok()).isTrue();
    WireCodec.Decoded decoded = codec.decode(encoded);
    assertThat(decoded.ok()).isFalse();
    assertThat(decoded.error()).containsIgnoringCase("depth");
    // The pooled Kryo is still usable afterwards.
    assertThat(codec.decode(codec.encode("after")).message()).isEqualTo("after");
  }

  @Test
  void oversizedMessagesAreRefused() {
    assertThatThrownBy(() -> codec.encode(new byte[1400]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(codec.decode(new byte[1401]).error()).contains("message length: 1401");
  }

  @Test
  void mutatedEncodingsOfEveryRegisteredTypeNeverThrowOrExhaustMemory() {
    long seed = 0x5eed_0007L;
    SplittableRandom random = new SplittableRandom(seed);
    WireCodec large = new WireCodec(1 << 16, WireCodec.DEFAULT_MAX_DEPTH);
    for (Object sample : WireSamples.byId().values()) {
      byte[] valid = large.encode(sample);
      for (int i = 0; i < 2_000; i++) {
        byte[] mutated = java.util.Arrays.copyOf(valid, random.nextInt(1, valid.length + 8));
        int flips = random.nextInt(1, 4);
        for (int f = 0; f < flips; f++) {
          mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
        }
        // Must return (ok or an error), never throw; a huge allocation would fail the JVM.
        WireCodec.Decoded decoded = large.decode(mutated);
        if (decoded.ok()) {
          assertThat(large.encode(decoded.message()))
              .as("seed %d, %s, case %d", seed, sample.getClass().getSimpleName(), i)
              .isNotNull();
        }
      }
    }
  }

  @Test
  void gossipMessagesNeverEncodeLargerThanTheSizeTheGossipCoreBudgetsFor() {
    for (Object sample : WireSamples.byId().values()) {
      if (sample instanceof org.ppdb.gossip.SwimMessage message) {
        assertThat(codec.encode(message).length)
            .as("%s", message.getClass().getSimpleName())
            .isLessThanOrEqualTo(message.encodedSizeBytes());
      }
    }
  }

  @Test
  void tenThousandRandomInputsNeverThrowAndLeaveTheCodecWorking() {
    long seed = 0x5eed_0003L;
    SplittableRandom random = new SplittableRandom(seed);
    byte[] valid = codec.encode(new Hello(1, "default", 7946, 7947));
    for (int i = 0; i < 10_000; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[random.nextInt(1, 200)];
        random.nextBytes(input);
      } else {
        input = java.util.Arrays.copyOf(valid, random.nextInt(1, valid.length + 3));
        input[random.nextInt(input.length)] ^= (byte) random.nextInt(1, 256);
      }
      byte[] bytes = input;
      WireCodec.Decoded decoded = codec.decode(bytes);
      assertThat(decoded).as("seed %d case %d", seed, i).isNotNull();
    }
    assertThat(codec.decode(valid).message()).isEqualTo(new Hello(1, "default", 7946, 7947));
  }
}
