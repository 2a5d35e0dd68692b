package io.pgrealtime.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@RealtimeIntegrationTest
class RedisHarnessIT {

    @Test
    void streamsAcceptExplicitIdsAndRefuseLowerOnes(TestRedis redis) {
        RedisClient client = redis.newClient();
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> cmd = c.sync();
            String key = redis.keyPrefix() + "changes:public.items";
            assertThat(cmd.xadd(key, new io.lettuce.core.XAddArgs().id("100-0"), Map.of("e", "a"))).isEqualTo("100-0");
            assertThat(cmd.xadd(key, new io.lettuce.core.XAddArgs().id("100-1"), Map.of("e", "b"))).isEqualTo("100-1");

            List<StreamMessage<String, String>> read = cmd.xread(XReadArgs.StreamOffset.from(key, "0-0"));
            assertThat(read).extracting(StreamMessage::getId).containsExactly("100-0", "100-1");
            assertThat(read.get(1).getBody()).containsEntry("e", "b");

            // The relay's exactly-once rests on this refusal: a replayed ID is not appended twice.
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                    cmd.xadd(key, new io.lettuce.core.XAddArgs().id("100-1"), Map.of("e", "again")))
                    .hasMessageContaining("equal or smaller");
            assertThat(cmd.xlen(key)).isEqualTo(2);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void eachTestClassHasItsOwnKeyPrefix(TestRedis redis) {
        assertThat(redis.keyPrefix()).startsWith("t").endsWith(":rt:");
    }
}
