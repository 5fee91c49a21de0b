package org.cybexp.input.control;

import java.util.Collection;
import java.util.List;

import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.manager.PluginManager;
import org.cybexp.input.manager.UnknownSelectionException;

/** A PluginManager that forwards to another, for tests that change one method. */
class DelegatingManager implements PluginManager {

    private final PluginManager delegate;

    DelegatingManager(PluginManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<InputStatus> status() {
        return delegate.status();
    }

    @Override
    public List<String> plugins() {
        return delegate.plugins();
    }

    @Override
    public List<String> start(Collection<String> plugins, Collection<String> names)
            throws UnknownSelectionException {
        return delegate.start(plugins, names);
    }

    @Override
    public List<String> stop(Collection<String> plugins, Collection<String> names)
            throws UnknownSelectionException {
        return delegate.stop(plugins, names);
    }

    @Override
    public List<String> restart(Collection<String> plugins, Collection<String> names)
            throws UnknownSelectionException {
        return delegate.restart(plugins, names);
    }

    @Override
    public java.util.Map<String, java.time.Instant> fetch(Collection<String> names)
            throws UnknownSelectionException {
        return delegate.fetch(names);
    }

    @Override
    public void reload() {
        delegate.reload();
    }

    @Override
    public void stopAll(boolean immediate) {
        delegate.stopAll(immediate);
    }
}
