package io.pgrealtime.gateway.protocol;

import io.pgrealtime.protocol.Json;
import io.pgrealtime.protocol.filter.FilterError;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerMessagesTest {
    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void changeSplicesTheStoredEventAndAddsTheView() {
        byte[] event = "{\"type\":\"UPDATE\",\"record\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
        assertThat(s(ServerMessages.change("table:public.t", "9-1", event, null)))
                .isEqualTo("{\"type\":\"broadcast\",\"channel\":\"table:public.t\",\"id\":\"9-1\",\"payload\":"
                        + "{\"type\":\"UPDATE\",\"record\":{\"id\":1}}}");
        assertThat(s(ServerMessages.change("table:public.t", "9-1", event, "leave")))
                .isEqualTo("{\"type\":\"broadcast\",\"channel\":\"table:public.t\",\"id\":\"9-1\",\"payload\":"
                        + "{\"type\":\"UPDATE\",\"record\":{\"id\":1},\"view\":\"leave\"}}");
    }

    @Test
    void errorsCarryCodeRefChannelAndDetails() throws Exception {
        byte[] e = ServerMessages.error(ErrorCode.INVALID_FILTERS, "invalid filter", "3", "table:public.t",
                List.of(new FilterError("age", "UNKNOWN_FIELD", "no column age")));
        assertThat(Json.mapper().readTree(e).toString()).isEqualTo("{\"type\":\"error\",\"code\":\"INVALID_FILTERS\","
                + "\"message\":\"invalid filter\",\"ref\":\"3\",\"channel\":\"table:public.t\",\"details\":{\"age\":{"
                + "\"code\":\"UNKNOWN_FIELD\",\"message\":\"no column age\",\"field\":\"age\"}}}");
    }

    @Test
    void ackAndPong() {
        assertThat(s(ServerMessages.ack("table:a.b", "subscribed", "1", true)))
                .isEqualTo("{\"type\":\"ack\",\"channel\":\"table:a.b\",\"status\":\"subscribed\",\"ref\":\"1\",\"recovered\":true}");
        assertThat(s(ServerMessages.pong(null))).isEqualTo("{\"type\":\"pong\"}");
        assertThat(s(ServerMessages.pong("p"))).isEqualTo("{\"type\":\"pong\",\"ref\":\"p\"}");
    }

    @Test
    void channelNamesAreEscaped() {
        assertThat(ServerMessages.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\u000a\"");
    }
}
