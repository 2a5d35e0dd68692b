package io.pgrealtime.gateway.api;

import io.pgrealtime.gateway.auth.Principal;

/** Decides who may join rooms of a prefix ({@link RealtimeServer#registerRoomValidator}). */
@FunctionalInterface
public interface RoomValidator {
    boolean mayJoin(Principal principal, String room);
}
