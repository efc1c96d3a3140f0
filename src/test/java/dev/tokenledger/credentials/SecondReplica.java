package dev.tokenledger.credentials;

import java.util.function.Supplier;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

import dev.tokenledger.coherence.Changes;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.TokenKind;

/**
 * What another replica of the gateway runs beside this one on the same Redis and database, for the tests of what
 * must happen once across replicas: a token refresher and a device-login poller of its own.
 */
@Singleton
class SecondReplica {

    private final Supplier<TokenRefresher> refreshers;
    private final Supplier<DeviceLogins> pollers;

    SecondReplica(CredentialStore store, CredentialPools pools, ProviderRegistry registry, Fingerprints fingerprints,
            Redis redis, ReactiveRedisDataSource redisSource, Vertx vertx, Changes changes, MeterRegistry meters,
            GatewayConfig config, @Any Instance<TokenKind> kinds) {
        this.refreshers = () -> new TokenRefresher(store, pools, registry, fingerprints,
                new RefreshLock(redis, vertx, config), vertx, changes, meters, config, kinds);
        this.pollers = () -> {
            TokenRefresher otherRefresher = refreshers.get();
            LoginState state = new LoginState(redisSource, pools, config);
            return new DeviceLogins(state, new LoginProviders(registry), new LoginCompletion(registry, store, pools,
                    otherRefresher, fingerprints, changes, state), vertx, config);
        };
    }

    /** A refresher with a refresh lock of its own on the shared Redis. */
    TokenRefresher refresher() {
        return refreshers.get();
    }

    /** A device-login poller on the shared Redis, completing logins with a {@link #refresher()} of its own. */
    DeviceLogins poller() {
        return pollers.get();
    }
}
