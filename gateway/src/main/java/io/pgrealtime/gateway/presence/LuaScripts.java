package io.pgrealtime.gateway.presence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the Lua scripts of {@code /lua/} on the class path. */
final class LuaScripts {
    private LuaScripts() {
    }

    static String load(String name) {
        try (InputStream in = LuaScripts.class.getResourceAsStream("/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script /lua/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
