package io.pgrealtime.protocol;

/** Checks shared by the channel records. */
final class ChannelNames {
    private ChannelNames() {
    }

    /** Checks a topic or room name: non-empty, no whitespace or control characters. */
    static void checkFreeName(String kind, String name, int prefixLength) {
        if (name == null || name.isEmpty()) {
            throw new ChannelException(kind + " name is empty");
        }
        if (prefixLength + 1 + name.length() > Channel.MAX_LENGTH) {
            throw new ChannelException("channel is longer than " + Channel.MAX_LENGTH + " characters");
        }
        checkNoWhitespace(kind, name);
    }

    static void checkNoWhitespace(String kind, String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                throw new ChannelException(kind + " name '" + printable(name)
                        + "' contains whitespace or control characters");
            }
        }
    }

    /** Input echoed in messages, with control characters escaped and length capped. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return i < s.length() ? b.append('…').toString() : b.toString();
    }
}
