package org.mask3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help examples that copy and paste whole, and progress output fit for a log file (issue 14). */
class HelpAndProgressTest {
    /** Every command's help, by its qualified name. */
    static void collect(CommandLine cl, Map<String, String> out) {
        out.put(cl.getCommandSpec().qualifiedName(), cl.getUsageMessage(CommandLine.Help.Ansi.OFF));
        for (CommandLine sub : cl.getSubcommands().values()) collect(sub, out);
    }

    @Test
    void everyExampleLineIsACompleteCommandThatParses() {
        Map<String, String> helps = new java.util.LinkedHashMap<>();
        collect(Main.commandLine(), helps);
        int examples = 0;
        for (Map.Entry<String, String> h : helps.entrySet()) {
            List<String> lines = h.getValue().lines().toList();
            int at = lines.indexOf("Examples:");
            if (h.getKey().equals("mask3d")) continue;   // the top level lists commands, not examples
            if (at < 0) {
                if (h.getKey().endsWith(" help")) continue;
                fail(h.getKey() + " --help has no Examples:\n" + h.getValue());
            }
            for (int i = at + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
                String line = lines.get(i);
                assertTrue(line.startsWith("  ./mask3d "), h.getKey() + ": not a whole command (wrapped?): '" + line + "'");
                List<String> words = words(line.strip().substring("./mask3d ".length()));
                try {
                    Main.commandLine().parseArgs(words.toArray(String[]::new));
                } catch (CommandLine.ParameterException e) {
                    fail(h.getKey() + ": example does not parse: " + line + ": " + e.getMessage());
                }
                examples++;
            }
        }
        assertTrue(examples > 20, "examples checked: " + examples);
    }

    @Test
    void proseInFootersStillWraps() {
        String help = Main.commandLine().getSubcommands().get("parity").getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (String line : help.lines().toList()) {
            if (!line.stripLeading().startsWith("./mask3d ")) assertTrue(line.length() <= 80, "long line: " + line);
        }
    }

    /** Shell words of an example line (quotes group, a comment ends it). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean in = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) { if (c == quote) quote = 0; else cur.append(c); }
            else if (c == '#' && !in) break;   // a shell comment to the end of the line
            else if (c == '"' || c == '\'') { quote = c; in = true; }
            else if (c == ' ') { if (in) { out.add(cur.toString()); cur.setLength(0); in = false; } }
            else { cur.append(c); in = true; }
        }
        if (in) out.add(cur.toString());
        return out;
    }

    @Test
    void withoutATerminalProgressIsAPlainLineEveryPeriod() {
        assertFalse(Progress.redraws(null, false));
        assertTrue(Progress.redraws(null, true));
        assertTrue(Progress.redraws("bar", false));
        assertFalse(Progress.redraws("lines", true));
        assertEquals(10, Progress.seconds(null));
        assertEquals(3, Progress.seconds("3"));
        assertEquals(10, Progress.seconds("x"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {0};
        Progress.PlainLines c = new Progress.PlainLines(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                10_000_000_000L, () -> now[0]);
        for (int s = 0; s <= 25; s++) {   // a redraw every second for 25 s
            now[0] = s * 1_000_000_000L;
            c.accept("train " + s + "/25 ");
        }
        c.close();
        assertEquals("train 0/25\ntrain 10/25\ntrain 20/25\ntrain 25/25\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRedirectedBarWritesNoEscapesOrCarriageReturns() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (var pb = Progress.builder("task", 100, 50).build()) {   // no console under the test runner
            for (int i = 0; i <= 100; i += 10) {
                pb.stepTo(i);
                Thread.sleep(20);
            }
        } finally {
            System.setErr(err);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r") || out.contains("\u001b"), out);
        assertTrue(out.lines().count() <= 2 && out.contains("100/100"), out);   // first state and last
    }

    @Test
    void anExistingRunIsNeverAnnouncedAsNew(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("config.txt"), "exp_name = old\n");
        CliTest.Run r = CliTest.run("train-mpi", "--config", "../configs/train_mpi_demo.txt", "--run", tmp.toString(), "--steps", "1");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("already exists"), r.err());
        assertFalse(r.out().contains("new"), r.out());
    }
}
