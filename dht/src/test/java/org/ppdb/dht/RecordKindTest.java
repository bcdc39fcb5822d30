package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordKindTest {

  /** The kinds cross the wire (the peer's codec writes the ordinal): frozen, append only. */
  @Test
  void ordinalsArePinned() {
    assertThat(RecordKind.values()).containsExactly(RecordKind.VALUE, RecordKind.PROVIDER);
    assertThat(RecordKind.VALUE.ordinal()).isZero();
    assertThat(RecordKind.PROVIDER.ordinal()).isEqualTo(1);
  }
}
