package org.cybexp.input.console;

import java.io.PrintWriter;

import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.cybexp.input.control.command.ControlCommands;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The inputs' status for support: the web console's Status page and its downloads (text, JSON, zip) carry it.
 * JSON is the very answer {@code cybexp-input status --json} prints, the text the table of {@code status}.
 */
@Component(property = {
    InventoryPrinter.NAME + "=cybexp-inputs",
    InventoryPrinter.TITLE + "=CYBEX-P inputs",
    InventoryPrinter.FORMAT + "=TEXT",
    InventoryPrinter.FORMAT + "=JSON"})
public final class StatusPrinter implements InventoryPrinter {

    private static final String STATUS = "{\"command\":\"status\"}";
    private final ObjectMapper json = new ObjectMapper();
    private final ControlCommands commands;

    @Activate
    public StatusPrinter(@Reference ControlCommands commands) {
        this.commands = commands;
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        String answer = commands.execute(STATUS);
        if (format == Format.JSON) {
            out.print(answer);
            return;
        }
        try {
            JsonNode status = json.readTree(answer);
            out.print(status.path("ok").asBoolean() ? status.path("table").asText()
                    : "status: " + status.path("error").asText());
        } catch (java.io.IOException e) {
            out.print("status: " + e.getMessage());
        }
    }
}
