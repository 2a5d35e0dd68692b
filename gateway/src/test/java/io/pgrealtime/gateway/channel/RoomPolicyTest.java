package io.pgrealtime.gateway.channel;

import io.pgrealtime.gateway.auth.Principal;
import io.pgrealtime.gateway.protocol.ErrorCode;
import io.pgrealtime.gateway.protocol.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one rule both transports apply to room names and client event names (issue 10). */
class RoomPolicyTest {
    private static final Principal ANN = new Principal("ann", Set.of("authenticated"), Map.of(),
            Instant.now().plusSeconds(3600), false);
    private static final Principal VIP = new Principal("vera", Set.of("vip"), Map.of(), Instant.now().plusSeconds(3600), false);

    @ParameterizedTest
    @ValueSource(strings = {"__all__", "__", "__internal", "user:ann", "user:bob", "user:", "socket:abc", "!x", "!"})
    void reservedRoomsAreRefusedEvenToTheirOwnerAndEvenIfAValidatorWouldAllowThem(String room) {
        RoomPolicy p = new RoomPolicy();
        p.registerValidator("", (who, r) -> true);
        p.registerValidator("user:", (who, r) -> true);
        assertThat(RoomPolicy.isReserved(room)).isTrue();
        assertThat(p.mayJoin(ANN, room)).isFalse();
        assertThatThrownBy(() -> p.checkJoin(ANN, room)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> RoomPolicy.checkNotReserved(room)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lobby", "a__all__", "_all_", "User:ann", "users:ann", "room:user:ann", "sockets", "x!"})
    void otherRoomsAreOpenWithoutAValidator(String room) {
        RoomPolicy p = new RoomPolicy();
        assertThat(RoomPolicy.isReserved(room)).isFalse();
        assertThat(p.mayJoin(ANN, room)).isTrue();
        assertThatCode(() -> p.checkJoin(ANN, room)).doesNotThrowAnyException();
    }

    @Test
    void theValidatorOfTheLongestPrefixDecides() {
        RoomPolicy p = new RoomPolicy();
        p.registerValidator("vip:", (who, room) -> who.hasRole("vip"));
        p.registerValidator("vip:open:", (who, room) -> true);
        assertThat(p.mayJoin(ANN, "vip:x")).isFalse();
        assertThat(p.mayJoin(VIP, "vip:x")).isTrue();
        assertThat(p.mayJoin(ANN, "vip:open:x")).isTrue();
        assertThat(p.mayJoin(ANN, "vipx")).isTrue();
        assertThatThrownBy(() -> p.checkJoin(ANN, "vip:x")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"!x", "!t_tenant:insert", "!", "user:joined", "user:left"})
    void eventNamesOfTheServerAreInvalidFromClients(String event) {
        assertThatThrownBy(() -> RoomPolicy.checkEvent(event)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "t_tenant:insert", "connected", "subscription.update", "user:typing", "x!"})
    void otherEventNamesAreAllowedBecauseTheyArriveWrapped(String event) {
        assertThatCode(() -> RoomPolicy.checkEvent(event)).doesNotThrowAnyException();
    }
}
