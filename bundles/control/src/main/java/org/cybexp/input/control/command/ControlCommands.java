package org.cybexp.input.control.command;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The CLI's commands for callers inside the daemon (the web console): the same protocol, the same code and the
 * same answers as {@code bin/cybexp-input} gets over the control endpoint, without the nonce (a caller inside
 * the framework is trusted as the CLI's user is). {@code shutdown} is not offered here.
 */
@ProviderType
public interface ControlCommands {

    /**
     * @param request one JSON object as the CLI sends it, e.g. {@code {"command":"stop","names":["main"]}}
     * @return the answer, one JSON object: {@code "ok"} and the command's fields, or {@code "error"}
     */
    String execute(String request);
}
