package org.cybexp.input.source.file;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the input did since it started, shown under {@code details.counts} in status. One thread writes it. */
final class FileCounters {

    long lines;
    long records;
    long bytes;
    long linesCut;
    long replacedSequences;
    long malformed;
    long truncations;
    long renames;
    long continuedElsewhere;
    long released;

    Map<String, Object> asMap(int openFiles) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lines", lines);
        out.put("records", records);
        out.put("bytes", bytes);
        out.put("lines_cut", linesCut);
        out.put("invalid_sequences_replaced", replacedSequences);
        out.put("malformed_lines", malformed);
        out.put("truncations", truncations);
        out.put("renames", renames);
        out.put("continued_in_another_file", continuedElsewhere);
        out.put("released", released);
        out.put("open_files", openFiles);
        return out;
    }
}
