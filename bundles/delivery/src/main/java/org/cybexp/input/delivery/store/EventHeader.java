package org.cybexp.input.delivery.store;

/**
 * What is stored with each event to post it later, and to check it was not damaged on disk.
 *
 * @param name the input's name, posted as {@code name}
 * @param orgid posted as {@code orgid}
 * @param typetag posted as {@code typetag}
 * @param timezone posted as {@code timezone}, e.g. {@code UTC}
 * @param mediaType the media type of the body, e.g. {@code application/json}
 * @param sha256 the SHA-256 of the body, lower-case hex
 * @param length the body's length in bytes
 */
public record EventHeader(String name, String orgid, String typetag, String timezone, String mediaType,
        String sha256, long length) {
}
