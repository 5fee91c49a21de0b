package org.cybexp.input.delivery;

/**
 * How much may wait in the outboxes before fetching pauses (back-pressure): per input, and for all inputs
 * together, in bytes of stored events; and how much of the disk stays free whatever the caps. Soft caps: a batch
 * already fetched is still stored.
 *
 * @param minFreeBytes fetching pauses while less than this is free on the outboxes' disk
 */
record OutboxCaps(long perInputBytes, long totalBytes, long minFreeBytes) {

    private static final long MIB = 1024L * 1024;

    static final OutboxCaps DEFAULT = new OutboxCaps(1024 * MIB, 4096 * MIB, 256 * MIB);

    /** Caps with the default free-space reserve. */
    OutboxCaps(long perInputBytes, long totalBytes) {
        this(perInputBytes, totalBytes, DEFAULT.minFreeBytes());
    }

    static OutboxCaps of(ApiConfig config) {
        return new OutboxCaps(Math.max(1, config.outbox__max__mib()) * MIB,
                Math.max(1, config.outbox__total__max__mib()) * MIB, Math.max(0, config.outbox__min__free__mib()) * MIB);
    }

    boolean allows(long inputBytes, long allBytes) {
        return inputBytes < perInputBytes && allBytes < totalBytes;
    }
}
