package org.cybexp.input.core.fetch;

import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.PersistentState;

/** Gives a fetch call its HTTP access, bound to the call's staged state and stop resources. */
@FunctionalInterface
public interface HttpAccessProvider {

    HttpAccess forCall(PersistentState state, FetchResources resources);
}
