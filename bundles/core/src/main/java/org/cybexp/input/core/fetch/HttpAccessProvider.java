package org.cybexp.input.core.fetch;

import java.util.function.BiFunction;

import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.PersistentState;

/**
 * Gives a fetch call its network access: the HTTP access bound to the call's staged state and stop resources,
 * and the input's {@link Network} settings.
 */
public interface HttpAccessProvider {

    HttpAccess forCall(PersistentState state, FetchResources resources);

    /**
     * The input's network settings: the same object for every call of one configuration, so that its TLS
     * contexts are built once.
     */
    Network network();

    /** A provider of this network and of the HTTP access {@code http} makes for each call. */
    static HttpAccessProvider of(Network network, BiFunction<PersistentState, FetchResources, HttpAccess> http) {
        return new HttpAccessProvider() {
            @Override
            public HttpAccess forCall(PersistentState state, FetchResources resources) {
                return http.apply(state, resources);
            }

            @Override
            public Network network() {
                return network;
            }
        };
    }
}
