package dev.tokenledger.provider;

import java.util.List;

import io.smallrye.mutiny.Uni;

/** A provider that can list the models its upstream offers to the credential it sends. */
public interface ModelsCapable {

    /** The upstream's model ids. */
    Uni<List<String>> models();
}
