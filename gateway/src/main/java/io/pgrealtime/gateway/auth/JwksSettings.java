package io.pgrealtime.gateway.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.net.URL;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * How a JWKS document ({@code JWKS_URL}) is fetched and cached; {@link #open} builds the Nimbus
 * {@link JWKSource} with these settings.
 *
 * <p>What the source guarantees, from the outside in:
 * <ul>
 *   <li><b>Cache</b>: the key set is kept for {@code cacheTtl} (default 5 min) and refreshed in the
 *       background shortly before it expires (refresh-ahead, also on a schedule so an idle node
 *       stays fresh), so verification normally never waits for the network.</li>
 *   <li><b>Unknown {@code kid}</b>: a token naming a key the cached set lacks forces one refresh
 *       (key rotation: the issuer published a new key); a key removed from the document stops
 *       verifying at the next refresh.</li>
 *   <li><b>Rate limit</b>: at most two fetches per {@code refreshMinInterval} (default 30 s)
 *       whatever the traffic, so tokens with made-up key ids cannot turn the gateway into a
 *       load generator against the issuer; a refused refresh refuses the token.</li>
 *   <li><b>Outage tolerance</b>: when a fetch fails, the last good set is still used for up to
 *       {@code outageTolerance} (default 1 h) after it was fetched; 0 disables this.</li>
 *   <li><b>HTTP</b>: {@code httpTimeout} (default 3 s) for connecting and again for reading, at most
 *       {@value #MAX_DOCUMENT_BYTES} bytes.</li>
 * </ul>
 *
 * @param cacheTtl           how long a fetched set is used before it must be fetched again; more than
 *                           {@code refreshMinInterval}
 * @param refreshMinInterval least time between two windows of (at most two) fetches
 * @param outageTolerance    how long the last good set serves while the URL fails; zero disables
 * @param httpTimeout        connect timeout and read timeout, each
 */
public record JwksSettings(Duration cacheTtl, Duration refreshMinInterval, Duration outageTolerance, Duration httpTimeout) {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REFRESH_MIN_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_OUTAGE_TOLERANCE = Duration.ofHours(1);
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(3);
    /** Largest JWKS document read; a real one with a handful of keys is a few KiB. */
    public static final int MAX_DOCUMENT_BYTES = 64 * 1024;
    /** Refresh-ahead starts this long before expiry at most (a quarter of the TTL for short TTLs). */
    private static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);

    public static final JwksSettings DEFAULTS = new JwksSettings(DEFAULT_CACHE_TTL, DEFAULT_REFRESH_MIN_INTERVAL,
            DEFAULT_OUTAGE_TOLERANCE, DEFAULT_HTTP_TIMEOUT);

    /** @throws IllegalArgumentException if a duration is out of range */
    public JwksSettings {
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(refreshMinInterval, "refreshMinInterval");
        Objects.requireNonNull(outageTolerance, "outageTolerance");
        Objects.requireNonNull(httpTimeout, "httpTimeout");
        if (refreshMinInterval.toMillis() <= 0 || cacheTtl.compareTo(refreshMinInterval) <= 0) {
            throw new IllegalArgumentException("the JWKS refresh interval must be positive and shorter than the cache TTL");
        }
        if (outageTolerance.isNegative()) {
            throw new IllegalArgumentException("the JWKS outage tolerance must not be negative");
        }
        if (httpTimeout.toMillis() <= 0 || httpTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the JWKS HTTP timeout must be positive");
        }
    }

    /**
     * A key source for this URL. Nothing is fetched until the first call; its background refresh
     * runs on two daemon threads, stopped by closing the source ({@link java.io.Closeable}).
     */
    public JWKSource<SecurityContext> open(URL url) {
        int timeout = (int) httpTimeout.toMillis();
        long ttl = cacheTtl.toMillis();
        // A caller waits this long for another thread's fetch (connect plus read), and refresh-ahead
        // must fit with it inside the TTL, which Nimbus checks.
        long refreshTimeout = Math.min(2L * timeout, ttl / 4);
        long refreshAhead = Math.min(REFRESH_AHEAD.toMillis(), ttl / 4);
        ExecutorService refresher = Executors.newSingleThreadExecutor(daemon("jwks-refresh"));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("jwks-schedule"));
        JWKSourceBuilder<SecurityContext> b = JWKSourceBuilder.<SecurityContext>create(url,
                        new DefaultResourceRetriever(timeout, timeout, MAX_DOCUMENT_BYTES))
                .cache(ttl, refreshTimeout)
                .refreshAheadCache(refreshAhead, null, refresher, true, scheduler, true)
                .rateLimited(refreshMinInterval.toMillis())
                .retrying(false);
        if (outageTolerance.isZero()) {
            b.outageTolerant(false);
        } else {
            b.outageTolerant(outageTolerance.toMillis());
        }
        return b.build();
    }

    private static ThreadFactory daemon(String name) {
        // Daemon threads: a forgotten close must not keep the JVM alive.
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
