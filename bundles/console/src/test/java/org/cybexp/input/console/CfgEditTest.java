package org.cybexp.input.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class CfgEditTest {

    private static final String FILE = "# the main input\nname = main\nurl = https://example.org/a\\\n  /feed.txt\n"
            + "\n! old style comment\nperiod=3600\nperiod = 60\n";

    @Test
    void readsAsPropertiesDo() throws IOException {
        Properties expected = new Properties();
        expected.load(new StringReader(FILE));
        Map<String, String> values = new CfgEdit(FILE).values();
        assertEquals("https://example.org/a/feed.txt", values.get("url"));
        assertEquals(expected.getProperty("period"), values.get("period"));
    }

    @Test
    void replacesInPlaceKeepsCommentsAndDropsLaterDuplicates() throws IOException {
        CfgEdit edit = new CfgEdit(FILE);
        edit.set("period", "7200");
        edit.set("orgid", "it-org");
        edit.remove("name");
        assertEquals("# the main input\nurl = https://example.org/a\\\n  /feed.txt\n\n! old style comment\n"
                + "period = 7200\norgid = it-org\n", edit.text());
    }

    @Test
    void valuesThatPropertiesWouldChangeSurviveTheRoundTrip() throws IOException {
        for (String value : List.of("C:\\feeds\\a.txt", " leading space", "#not a comment", "a=b:c", "${env:TOKEN}",
                "line\nbreak")) {
            CfgEdit edit = new CfgEdit("");
            edit.set("k", value);
            Properties read = new Properties();
            read.load(new StringReader(edit.text()));
            assertEquals(value, read.getProperty("k"), edit.text());
        }
    }
}
