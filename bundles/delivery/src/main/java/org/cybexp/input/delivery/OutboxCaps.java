package org.cybexp.input.delivery;

/**
 * How much may wait in the outboxes before fetching pauses (back-pressure): per input, and for all inputs
 * together, in bytes of stored events. Soft caps: a batch already fetched is still stored.
 */
record OutboxCaps(long perInputBytes, long totalBytes) {

    private static final long MIB = 1024L * 1024;

    static final OutboxCaps DEFAULT = new OutboxCaps(1024 * MIB, 4096 * MIB);

    static OutboxCaps of(ApiConfig config) {
        return new OutboxCaps(Math.max(1, config.outbox__max__mib()) * MIB,
                Math.max(1, config.outbox__total__max__mib()) * MIB);
    }

    boolean allows(long inputBytes, long allBytes) {
        return inputBytes < perInputBytes && allBytes < totalBytes;
    }
}
