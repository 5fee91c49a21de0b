package org.cybexp.input.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.cybexp.input.core.control.DeadLetter;
import org.cybexp.input.core.control.DeadLetterContent;
import org.cybexp.input.core.control.DeadLetterStore;
import org.cybexp.input.core.control.UnknownDeadLetterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code deadletters} command: {@code action} list, show, replay or purge; {@code ids}, or {@code all}
 * (replay and purge act on everything only when asked explicitly), optionally narrowed to the inputs in
 * {@code names}. Answers use snake_case keys and ISO-8601 instants, like status.
 */
final class DeadLetterCommand {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterCommand.class);
    static final List<String> ACTIONS = List.of("list", "show", "replay", "purge");
    /** How much of an event {@code show} returns; the answer names the file for the rest. */
    static final int SHOW_BYTES = 2048;

    /** Why the command could not be done; the message goes back to the client as is. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    private final Supplier<DeadLetterStore> store;
    private final Supplier<List<String>> inputNames;

    /** @param inputNames the names of the configured inputs, against which {@code -n} is checked */
    DeadLetterCommand(Supplier<DeadLetterStore> store, Supplier<List<String>> inputNames) {
        this.store = store;
        this.inputNames = inputNames;
    }

    /** @return the fields to add to the answer */
    Map<String, Object> run(String action, List<String> ids, boolean all, List<String> names) throws Failure {
        DeadLetterStore letters = store.get();
        if (letters == null) {
            throw new Failure("dead letters are not available: the delivery bundle is not running");
        }
        try {
            requireKnown(letters, names);
            switch (action) {
                case "list":
                    noIds(action, ids, all);
                    return Map.of("deadletters", letters.list(names).stream().map(DeadLetterCommand::json).toList());
                case "show":
                    if (ids.size() != 1 || all || !names.isEmpty()) {
                        throw new Failure("deadletters show takes exactly one id");
                    }
                    return Map.of("deadletter", json(letters.show(ids.get(0), SHOW_BYTES)));
                case "replay":
                    return Map.of("replayed", letters.replay(select(letters, action, ids, all, names)));
                case "purge":
                    return Map.of("purged", letters.purge(select(letters, action, ids, all, names)));
                default:
                    throw new Failure("unknown deadletters action '" + action + "' (expected one of "
                            + String.join(", ", ACTIONS) + ")");
            }
        } catch (UnknownDeadLetterException e) {
            throw new Failure(e.getMessage());
        } catch (IOException e) {
            LOG.error("deadletters {} failed: {}", action, e.getMessage());
            throw new Failure(e.getMessage());
        }
    }

    /** The given ids, or with {@code all} every dead letter (of the named inputs); never both, never neither. */
    private static List<String> select(DeadLetterStore letters, String action, List<String> ids, boolean all,
            List<String> names) throws Failure, IOException {
        if (all == !ids.isEmpty()) {
            throw new Failure("deadletters " + action + " needs dead-letter ids or --all (not both)");
        }
        if (!all && !names.isEmpty()) {
            throw new Failure("deadletters " + action + ": -n selects inputs for --all only");
        }
        return all ? letters.list(names).stream().map(DeadLetter::id).toList() : ids;
    }

    /** An unknown {@code -n} name is an error, as for stop; an input removed since still has its dead letters. */
    private void requireKnown(DeadLetterStore letters, List<String> names) throws Failure, IOException {
        if (names.isEmpty()) {
            return;
        }
        java.util.Set<String> known = new java.util.TreeSet<>(inputNames.get());
        letters.list(List.of()).forEach(letter -> known.add(letter.input()));
        for (String name : names) {
            if (!known.contains(name)) {
                throw new Failure("no input named '" + name + "' (inputs: " + String.join(", ", known) + ")");
            }
        }
    }

    private static void noIds(String action, List<String> ids, boolean all) throws Failure {
        if (!ids.isEmpty() || all) {
            throw new Failure("deadletters " + action + " takes no ids (-n NAME selects inputs)");
        }
    }

    static Map<String, Object> json(DeadLetter letter) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", letter.id());
        out.put("input", letter.input());
        out.put("status", letter.status());
        out.put("message", letter.message());
        out.put("at", iso(letter.at()));
        out.put("size", letter.size());
        out.put("typetag", letter.typetag());
        return out;
    }

    static Map<String, Object> json(DeadLetterContent content) {
        Map<String, Object> out = json(content.letter());
        out.put("orgid", content.orgid());
        out.put("timezone", content.timezone());
        out.put("media_type", content.mediaType());
        out.put("file", content.file());
        String text = text(content.bodyStart(), content.truncated());
        out.put("binary", text == null);
        out.put("body", text);
        out.put("body_bytes", content.bodyStart().length);
        out.put("truncated", content.truncated());
        return out;
    }

    /**
     * The bytes as text, or null if they are not UTF-8 text (a zip, a gzip): a terminal must not get them. A
     * multi-byte character cut at the end of a truncated start does not make it binary.
     */
    static String text(byte[] bytes, boolean truncated) {
        int length = bytes.length;
        if (truncated) {
            // drop a character cut in the middle: at most 3 continuation/lead bytes at the end
            int cut = length;
            while (cut > 0 && length - cut < 3 && (bytes[cut - 1] & 0xC0) == 0x80) {
                cut--;
            }
            if (cut > 0 && (bytes[cut - 1] & 0x80) != 0) {
                cut--;
            }
            length = cut == 0 ? length : cut;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) {
                return null;
            }
        }
        return text;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
