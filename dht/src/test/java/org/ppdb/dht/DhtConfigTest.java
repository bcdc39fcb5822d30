package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DhtConfigTest {

  @Test
  void defaultsAreThoseOfTheIssue() {
    DhtConfig c = DhtConfig.defaults();
    assertThat(c.bucketSize()).isEqualTo(20);
    assertThat(c.alpha()).isEqualTo(3);
    assertThat(c.recordTtlNanos()).isEqualTo(TimeUnit.HOURS.toNanos(24));
    assertThat(c.republishIntervalNanos()).isEqualTo(TimeUnit.HOURS.toNanos(1));
    assertThat(c.refreshIntervalNanos()).isEqualTo(TimeUnit.HOURS.toNanos(1));
    assertThat(c.contactsPerSubnetPerBucketMax()).isEqualTo(2);
    assertThat(c.contactsPerSubnetPerTableMax()).isEqualTo(10);
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void fieldsAndTheirRelationshipsAreChecked() {
    assertThatThrownBy(() -> DhtConfig.builder().bucketSize(0).build())
        .hasMessage("bucketSize: 0 (expected: > 0)");
    assertThatThrownBy(() -> DhtConfig.builder().requestTimeoutNanos(-1).build())
        .hasMessage("requestTimeoutNanos: -1 (expected: > 0)");
    assertThatThrownBy(() -> DhtConfig.builder().disjointPaths(21).build())
        .hasMessage("disjointPaths: 21 (expected: <= bucketSize 20)");
    assertThatThrownBy(() -> DhtConfig.builder().lookupShortlistMax(19).build())
        .hasMessage("lookupShortlistMax: 19 (expected: >= bucketSize 20)");
    assertThatThrownBy(
            () -> DhtConfig.builder().republishIntervalNanos(TimeUnit.HOURS.toNanos(24)).build())
        .hasMessageStartingWith(
            "republishIntervalNanos: 86400000000000 (expected: < recordTtlNanos");
    assertThatThrownBy(() -> DhtConfig.builder().contactsPerSubnetPerBucketMax(11).build())
        .hasMessage(
            "contactsPerSubnetPerBucketMax: 11 (expected: <= contactsPerSubnetPerTableMax 10)");
    assertThatThrownBy(() -> DhtConfig.builder().recordsPerKeyMax(5000).build())
        .hasMessage("recordsPerKeyMax: 5000 (expected: <= recordsStoredMax 4096)");
  }
}
