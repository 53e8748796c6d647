package org.mask3d.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mask3d prepare …}: the dataset preparation steps, one subcommand each (data-scripts/ wraps them). */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Prepare datasets for training and rendering: one subcommand per step.",
        subcommands = {PrepareRealEstateCommand.class},
        footer = {"", "Examples:",
                "  ./mask3d prepare realestate --txt RealEstate10K/train --videos videos/train --out frames/train",
                "", "Run './mask3d prepare STEP --help' for a step's options and examples."})
final class PrepareCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }
}
