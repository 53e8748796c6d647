package org.mask3d.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import org.mask3d.InputException;
import org.mask3d.io.AtomicFiles;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * mask3d's own checkpoints: one DJL parameter file per network ({@code <name>.params}, DJL's
 * {@code Block.saveParameters} format) and a JSON sidecar ({@code checkpoint.json}) with the architecture of each
 * network and any metadata (step, epoch, config, metrics). Every file is written atomically; loading checks the
 * sidecar against the networks given and names what does not fit.
 */
public final class ModelCheckpoint {
    private ModelCheckpoint() {}

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** Saves networks by name (e.g. "mpi_net", "mask_net") and metadata into {@code dir}. */
    public static void save(Path dir, Map<String, UNet3d> nets, Map<String, Object> metadata) {
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "mask3d-checkpoint-1");
        JsonObject arch = new JsonObject();
        for (Map.Entry<String, UNet3d> e : nets.entrySet()) {
            JsonObject a = new JsonObject();
            a.addProperty("class", e.getValue().getClass().getSimpleName());
            a.addProperty("in_channels", e.getValue().inChannels());
            a.addProperty("out_channels", e.getValue().outChannels());
            a.addProperty("parameters", e.getValue().parameterCount());
            arch.add(e.getKey(), a);
            AtomicFiles.write(dir.resolve(e.getKey() + ".params"), os -> e.getValue().saveParameters(new DataOutputStream(os)));
        }
        meta.add("networks", arch);
        meta.add("metadata", GSON.toJsonTree(metadata));
        AtomicFiles.write(dir.resolve("checkpoint.json"), GSON.toJson(meta).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Loads parameters saved by {@link #save} into initialised networks of the same architecture.
     *
     * @return the metadata object of the sidecar
     */
    public static JsonObject load(Path dir, Map<String, UNet3d> nets) {
        Path sidecar = dir.resolve("checkpoint.json");
        JsonObject meta;
        try {
            meta = GSON.fromJson(Files.readString(sidecar), JsonObject.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException("not a mask3d checkpoint: " + sidecar + " is missing");
        } catch (IOException | JsonParseException e) {
            throw new InputException(sidecar + ": unreadable (" + e.getMessage() + ")");
        }
        if (meta == null || !meta.has("networks")) throw new InputException(sidecar + ": no 'networks' entry");
        JsonObject arch = meta.getAsJsonObject("networks");
        for (Map.Entry<String, UNet3d> e : nets.entrySet()) {
            if (!arch.has(e.getKey())) {
                throw new InputException(sidecar + ": no network '" + e.getKey() + "' (has " + arch.keySet() + ")");
            }
            JsonObject a = arch.getAsJsonObject(e.getKey());
            UNet3d net = e.getValue();
            if (!a.get("class").getAsString().equals(net.getClass().getSimpleName())
                    || a.get("in_channels").getAsInt() != net.inChannels() || a.get("out_channels").getAsInt() != net.outChannels()) {
                throw new InputException(sidecar + ": network '" + e.getKey() + "' is " + a + ", expected " + net);
            }
            Path params = dir.resolve(e.getKey() + ".params");
            try (InputStream in = Files.newInputStream(params)) {
                net.loadParameters(net.getParameters().valueAt(0).getArray().getManager(), new DataInputStream(in));
            } catch (java.nio.file.NoSuchFileException ex) {
                throw new InputException(dir + ": missing " + params.getFileName());
            } catch (IOException | ai.djl.MalformedModelException | RuntimeException ex) {
                throw new InputException(params + ": unreadable or truncated (" + ex.getMessage() + ")", ex);
            }
        }
        return meta.has("metadata") && meta.get("metadata").isJsonObject() ? meta.getAsJsonObject("metadata") : new JsonObject();
    }
}
