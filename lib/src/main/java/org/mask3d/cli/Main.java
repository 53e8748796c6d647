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
        CommandLine cl = new CommandLine(new Main());
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
        return cl.execute(args);
    }
}
