package io.pgrealtime.runtime;

/**
 * A setting an operator gave (or left out) that the process cannot start with. The message names
 * the environment variable and the property, says what is wrong and never echoes a secret; the
 * {@link ProcessLauncher} prints it as one line and exits with status {@value ProcessLauncher#EXIT_SETTINGS}.
 */
public final class SettingException extends RuntimeException {
    private final String setting;

    /**
     * @param setting the environment variable (or property) to fix, e.g. {@code DATABASE_URL}
     * @param problem what is wrong with it, e.g. "is not a postgresql:// URL"
     */
    public SettingException(String setting, String problem) {
        super(setting + " " + problem);
        this.setting = setting;
    }

    /** The environment variable or property named in the message. */
    public String setting() {
        return setting;
    }
}
