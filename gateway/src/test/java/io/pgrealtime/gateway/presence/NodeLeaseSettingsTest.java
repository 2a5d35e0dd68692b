package io.pgrealtime.gateway.presence;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeLeaseSettingsTest {

    @Test
    void defaultsRefreshThreeTimesPerLeaseAndReapWithinTwelveSeconds() {
        NodeLeaseSettings s = NodeLeaseSettings.defaults();
        assertThat(s.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.refreshInterval()).isEqualTo(Duration.ofMillis(3333));
        assertThat(s.reaperInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.reapBatchSize()).isEqualTo(100);
        assertThat(s.reapBound()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void inconsistentSettingsAreRefused() {
        assertThatThrownBy(() -> new NodeLeaseSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeLeaseSettings(Duration.ofMillis(50), Duration.ofMillis(10), Duration.ofMillis(10), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeLeaseSettings(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ZERO, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeLeaseSettings(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMillis(100), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
