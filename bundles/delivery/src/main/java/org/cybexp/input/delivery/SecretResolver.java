package org.cybexp.input.delivery;

import java.util.function.UnaryOperator;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.core.reference.ValueReferences;

/**
 * A {@code cybexp.api} value as configured, resolved by the core's {@link ValueReferences} (the one resolver of
 * {@code ${env:NAME}} and {@code ${file:/path}}, with the same messages as for inputs), turned into the sink's
 * exception.
 */
final class SecretResolver {

    private final ValueReferences references;

    /** @param environment looks an environment variable up, e.g. {@code System::getenv} */
    SecretResolver(UnaryOperator<String> environment) {
        this.references = new ValueReferences(environment);
    }

    /** @throws InvalidSinkConfigException if the variable is unset or empty, or the file unreadable or empty */
    Secret resolve(String key, String configured) throws InvalidSinkConfigException {
        try {
            return Secret.of(references.resolve(key, configured));
        } catch (InvalidConfigException e) {
            throw new InvalidSinkConfigException(e.getMessage());
        }
    }
}
