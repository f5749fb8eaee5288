package io.dataflow.flink.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts the named real servers (once per test run, through {@code scripts/servers/*-start.sh}) before the
 * annotated class runs. A server that cannot start fails the class loudly; nothing is skipped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealServersExtension.class)
public @interface RealServers {
    Server[] value();
}
