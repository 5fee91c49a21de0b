package org.cybexp.input.runtime.container;

import java.io.IOException;

import org.cybexp.input.testkit.LoopbackRawApi;

/**
 * The CYBEX-P {@code /raw} of the end-to-end tests: the delivery tests' fault-injecting loopback endpoint
 * ({@link LoopbackRawApi}: parses each multipart POST as the API does, records the records it accepts, can
 * {@link #refuse} chosen ones, go {@link #down}, fail, reset or answer late), accepting only one token.
 */
public final class RawReceiver extends LoopbackRawApi {

    public RawReceiver(String token) throws IOException {
        super(token);
    }
}
