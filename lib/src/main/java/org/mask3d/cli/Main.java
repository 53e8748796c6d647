package org.mask3d.cli;

import org.mask3d.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code mask3d} command line: every command is a thin shell over a library call. */
@Command(name = "mask3d", mixinStandardHelpOptions = true, version = "mask3d 0.1.0",
        description = "Deep 3D Mask Volume view synthesis: a Java research workbench.",
        subcommands = {DemoCommand.class, TrainCommands.Mpi.class, TrainCommands.Mask.class, SynthCommand.class, PrepareCommand.class, PosesCommand.class, RenderCommand.class, EvaluateCommand.class, PsvCommand.class, ExportViewerCommand.class, ViewCommand.class,
                ParityCommand.class, BenchCommand.class, FuzzCommand.class},
        footer = {"", "Launcher commands (handled by ./mask3d itself):",
                "  test    install the notebook tooling if missing, then run every test, notebooks included",
                "  setup   install the notebook tooling and register the Jupyter kernelspec 'mask3d'",
                "", "Run './mask3d COMMAND --help' for a command's options and examples."})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces on errors.")
    boolean verbose;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) { System.exit(run(args)); }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its error handlers and help layout, not yet run. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        keepExamplesWhole(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean verbose = parsed.matchedOption("--verbose") != null
                    || parsed.subcommands().stream().anyMatch(p -> p.matchedOption("--verbose") != null);
            PrintWriter err = cmd.getErr();
            if (verbose) ex.printStackTrace(err);
            if (ex instanceof InputException) err.println("mask3d: error: " + ex.getMessage());
            else err.println("mask3d: error: " + ex + (verbose ? "" : " (run with --verbose for the stack trace)"));
            err.flush();
            return 2;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("mask3d: error: " + ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                err.println("Did you mean: " + String.join(", ", u.getSuggestions()) + "?");
            }
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return 2;
        });
        return cl;
    }

    /**
     * Help footers of {@code cl} and its subcommands: an example line ({@code ./mask3d ...}) is printed whole,
     * however long, so that it copies and pastes as one command; other lines wrap at the usage width as before.
     */
    static void keepExamplesWhole(CommandLine cl) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
            CommandLine.Model.UsageMessageSpec u = help.commandSpec().usageMessage();
            StringBuilder b = new StringBuilder();
            for (String line : u.footer()) {
                if (isExample(line)) b.append(line).append(System.lineSeparator());
                else wrap(line, u.width(), b);
            }
            return b.toString();
        });
        for (CommandLine sub : cl.getSubcommands().values()) keepExamplesWhole(sub);
    }

    static boolean isExample(String line) {
        return line.stripLeading().startsWith("./mask3d ");
    }

    /** {@code line} wrapped at {@code width} on spaces, continuation lines indented as the first. */
    private static void wrap(String line, int width, StringBuilder b) {
        int indent = line.length() - line.stripLeading().length();
        String pad = line.substring(0, indent);
        StringBuilder cur = new StringBuilder(pad);
        for (String word : line.strip().split(" +")) {
            if (cur.length() > indent && cur.length() + 1 + word.length() > width) {
                b.append(cur).append(System.lineSeparator());
                cur.setLength(0);
                cur.append(pad);
            }
            if (cur.length() > indent) cur.append(' ');
            cur.append(word);
        }
        b.append(cur.toString().stripTrailing()).append(System.lineSeparator());
    }
}
