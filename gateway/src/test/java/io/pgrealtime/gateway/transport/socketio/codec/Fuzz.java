package io.pgrealtime.gateway.transport.socketio.codec;

import java.util.Random;

/** Random inputs for the fuzz tests; seeded by the caller so failures reproduce. */
final class Fuzz {

    private Fuzz() {
    }

    /** Up to {@code maxLength} code points drawn from {@code alphabet}. */
    static String string(Random random, String alphabet, int maxLength) {
        int[] codePoints = alphabet.codePoints().toArray();
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            s.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return s.toString();
    }

    /** Up to {@code maxLength} arbitrary UTF-16 units, lone surrogates included. */
    static String anyString(Random random, int maxLength) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            s.append(random.nextBoolean() ? (char) random.nextInt(0x80) : (char) random.nextInt(0x10000));
        }
        return s.toString();
    }

    /** Up to {@code maxLength} random bytes, at least one. */
    static byte[] bytes(Random random, int maxLength) {
        byte[] bytes = new byte[1 + random.nextInt(maxLength)];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * {@code valid} with a few random edits (replace, insert, delete), to reach deep into a
     * parser instead of failing at the first character.
     */
    static String mutate(Random random, String valid, String alphabet) {
        StringBuilder s = new StringBuilder(valid);
        int[] codePoints = alphabet.codePoints().toArray();
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            String c = new String(Character.toChars(codePoints[random.nextInt(codePoints.length)]));
            switch (random.nextInt(3)) {
                case 0 -> {
                    if (s.length() > 0) {
                        s.replace(at, at + 1, c);
                    }
                }
                case 1 -> s.insert(at, c);
                default -> {
                    if (s.length() > 0) {
                        s.deleteCharAt(at);
                    }
                }
            }
        }
        return s.toString();
    }
}
