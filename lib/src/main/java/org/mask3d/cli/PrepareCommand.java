package org.mask3d.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./mask3d prepare …}: dataset preparation steps, each a thin shell over a library call (data-scripts/ wraps them). */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Prepare datasets for training and rendering: one subcommand per step.",
        subcommands = {PrepareRealEstateCommand.class, PrepareCommands.Background.class, PrepareCommands.RenderFrames.class,
                PrepareCommands.Pack.class, PrepareCommands.Check.class, PrepareCommands.Video.class,
                PrepareCommands.N3dv.class},
        footer = {"", "Examples:",
                "  ./mask3d prepare video --videos raw/scene018 --out data/scene018 --skip 4 --size 640x360",
                "  ./mask3d prepare check data/",
                "  ./mask3d prepare background runs/synth",
                "  ./mask3d prepare render-frames runs/synth --out runs/synth-frames --start 0 --end 10",
                "  ./mask3d prepare pack runs/synth --out runs/synth-pack",
                "  ./mask3d prepare realestate --txt RealEstate10K/train --videos videos/train --out frames/train",
                "", "Run './mask3d prepare STEP --help' for a step's options and examples."})
final class PrepareCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }
}
