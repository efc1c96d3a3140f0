package dev.tokenledger.testing;

import java.util.List;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A test profile that runs its test classes on one test resource alone, without the global ones: each resource's
 * {@code Profile} names itself here.
 */
public abstract class OwnResource implements QuarkusTestProfile {

    private final Class<? extends QuarkusTestResourceLifecycleManager> resource;

    protected OwnResource(Class<? extends QuarkusTestResourceLifecycleManager> resource) {
        this.resource = resource;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(resource));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
