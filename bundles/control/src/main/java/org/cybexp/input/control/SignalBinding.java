package org.cybexp.input.control;

/** Handlers installed for the process signals; closing restores the handlers that were there before. */
interface SignalBinding extends AutoCloseable {

    @Override
    void close();
}
