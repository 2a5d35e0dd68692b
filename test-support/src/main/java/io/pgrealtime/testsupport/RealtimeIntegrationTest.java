package io.pgrealtime.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that needs the real PostgreSQL and Redis: its test methods, constructors and
 * lifecycle methods may take {@link TestDatabase}, {@link TestRedis}, {@link PostgresServer} and
 * {@link RedisServer} parameters. The servers are started once per run and shared; each class gets
 * a fresh database and key prefix.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealtimeTestExtension.class)
public @interface RealtimeIntegrationTest {
}
