package org.cybexp.input.source.mispfile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.cybexp.input.source.misp.MispEventStream;
import org.cybexp.input.source.misp.MispFormatException;

/**
 * A feed's {@code manifest.json}: the index of its events, {@code {uuid: {Orgc, Tag, info, date, analysis,
 * threat_level_id, timestamp}}}, with values as strings or numbers, or {@code {uuid: timestamp}} as very old
 * generators wrote it. Only the uuids matter here (each names the event file {@code <uuid>.json}); the
 * event files carry the events themselves. Keys that are not uuids are reported and never used as file names.
 *
 * @param uuids the events' uuids in manifest order, duplicates dropped
 * @param problems entries that were skipped, described
 */
record Manifest(List<String> uuids, List<String> problems) {

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final JsonFactory JSON = new JsonFactory();

    /** @throws MispFormatException if the manifest is not a JSON object, or is cut short */
    static Manifest read(InputStream in) throws IOException {
        List<String> uuids = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser json = JSON.createParser(in)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new MispFormatException("manifest.json is not a JSON object of event uuids");
            }
            JsonToken token;
            while ((token = json.nextToken()) == JsonToken.FIELD_NAME) {
                String uuid = json.currentName();
                JsonToken value = json.nextToken();
                json.skipChildren();
                if (!UUID.matcher(uuid).matches()) {
                    problems.add("manifest.json: '" + excerpt(uuid) + "' is not an event uuid");
                } else if (value != JsonToken.START_OBJECT && value != JsonToken.VALUE_STRING
                        && value != JsonToken.VALUE_NUMBER_INT) {
                    problems.add("manifest.json: the entry of " + uuid + " is neither an object nor a timestamp");
                } else if (seen.add(uuid.toLowerCase(Locale.ROOT))) {
                    uuids.add(uuid);
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new MispFormatException("manifest.json is cut short");
            }
            if (json.nextToken() != null) {
                throw new MispFormatException("manifest.json has content after its end");
            }
        } catch (JsonProcessingException e) {
            if (MispEventStream.isEndOfInput(e)) {
                throw new MispFormatException("manifest.json is cut short", e);
            }
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new MispFormatException("manifest.json is not valid JSON" + where, e);
        }
        return new Manifest(List.copyOf(uuids), List.copyOf(problems));
    }

    private static String excerpt(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 60) + "...";
    }
}
