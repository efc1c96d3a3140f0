package dev.tokenledger.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * The JDBC datasource exists for Flyway alone (the gateway itself speaks to PostgreSQL through the reactive client), so
 * a process in which Flyway is inactive (it does not migrate: {@code quarkus.flyway.active} follows
 * {@code quarkus.flyway.migrate-at-start} in application.yaml) sees no {@code quarkus.datasource.jdbc.url}: Quarkus then
 * leaves the JDBC datasource inactive instead of creating its connection pool at start. Configurations can keep one
 * URL for the migration step and the gateway alike.
 */
public class JdbcOnlyToMigrate implements ConfigSourceInterceptor {

    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    static final String FLYWAY_ACTIVE = "quarkus.flyway.active";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value == null || !JDBC_URL.equals(name)) {
            return value;
        }
        ConfigValue flyway = context.proceed(FLYWAY_ACTIVE);
        return flyway != null && "false".equalsIgnoreCase(flyway.getValue()) ? null : value;
    }
}
