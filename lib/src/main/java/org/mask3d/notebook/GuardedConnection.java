package org.mask3d.notebook;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.Loop;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.ExpressionValue;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.KernelTimestamp;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.ReplyType;
import io.github.spencerpark.jupyter.messages.adapters.ExpressionValueAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HeaderAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryEntryAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryRequestAdapter;
import io.github.spencerpark.jupyter.messages.adapters.KernelTimestampAdapter;
import io.github.spencerpark.jupyter.messages.adapters.MessageTypeAdapter;
import io.github.spencerpark.jupyter.messages.adapters.PublishStatusAdapter;
import io.github.spencerpark.jupyter.messages.adapters.ReplyTypeAdapter;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import io.github.spencerpark.jupyter.messages.reply.ErrorReply;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.zeromq.ZMQ;

/**
 * The kernel's Jupyter connection: the base library's, with the shell and control channels replaced by
 * {@link Channel}s that drop a message they cannot trust and keep serving.
 *
 * <p>The base library's shell loop ({@code ShellChannel} on {@code JupyterSocket.readMessage}) throws a
 * {@code SecurityException} out of its thread on a wrongly signed or unsigned message (and a Gson or null-pointer
 * exception on a malformed one): the thread ends, the heartbeat stays alive, and every later request hangs. Here a
 * message is read whole (every frame of the multipart message, so a message without a delimiter cannot swallow
 * the next one), its HMAC compared in constant time, its header checked field by field; a message that fails is
 * dropped, never handled, and named in one line on the kernel's stderr with the channel and the reason. A handler
 * that fails is logged the same way; the loop goes on.
 *
 * <p>The base connection still creates its own shell and control sockets; they are never bound (no port, no
 * thread) and are closed with the connection.
 */
final class GuardedConnection extends JupyterConnection {
    /**
     * The kernel's own stderr, taken before any cell runs: while a cell runs, the base library points
     * {@code System.err} at the notebook, and a line about the control channel must not land in a cell's output.
     */
    private static final PrintStream LOG = System.err;

    private final KernelConnectionProperties props;
    private final ZMQ.Context context = ZMQ.context(1);
    private final Channel guardedShell;
    private final Channel guardedControl;
    private boolean connected;

    GuardedConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        boolean signed = props.getKey() != null && !props.getKey().isEmpty();
        guardedShell = new Channel(context, props.createHMACGenerator(), signed, false, this);
        guardedControl = new Channel(context, props.createHMACGenerator(), signed, true, this);
    }

    /** Binds the channels in the base library's order and announces the start, as its {@code connect} does. */
    @Override
    public void connect() {
        if (connected) return;
        heartbeat.bind(props);
        guardedShell.bind(props);
        guardedControl.bind(props);
        stdin.bind(props);
        iopub.bind(props);
        getIOPub().sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    @Override
    public void close() {
        guardedShell.close();
        guardedControl.close();
        super.close();
        context.close();
    }

    @Override
    public void waitUntilClose() {
        guardedShell.waitUntilClose();
        guardedControl.waitUntilClose();
        super.waitUntilClose();
    }

    /** Why a message was dropped (one line, untrusted parts escaped). */
    static final class DroppedMessage extends RuntimeException {
        DroppedMessage(String reason) { super(reason, null, false, false); }
    }

    /**
     * A shell or control channel (a ROUTER socket) whose loop survives any message: see the class comment. The
     * frames of one message, after the routing identities: {@code <IDS|MSG>}, the HMAC as hex, header, parent
     * header, metadata, content, then any binary buffers.
     */
    static final class Channel extends ShellChannel {
        private static final long SLEEP_MS = 50;
        /** Dropped messages logged one by one; after that, one line per {@link #LOG_EVERY} (a flood stays short). */
        private static final long LOG_FIRST = 100;
        private static final long LOG_EVERY = 1000;
        private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
        private static final List<String> HEADER_FIELDS = List.of("msg_id", "username", "session", "msg_type", "version");
        private static final Type METADATA = new TypeToken<Map<String, Object>>() { }.getType();
        /** The base library's message Gson (JupyterSocket's, which is private): the same adapters. */
        private static final Gson GSON = new GsonBuilder()
                .registerTypeAdapter(KernelTimestamp.class, KernelTimestampAdapter.INSTANCE)
                .registerTypeAdapter(Header.class, HeaderAdapter.INSTANCE)
                .registerTypeAdapter(MessageType.class, MessageTypeAdapter.INSTANCE)
                .registerTypeAdapter(PublishStatus.class, PublishStatusAdapter.INSTANCE)
                .registerTypeAdapter(HistoryRequest.class, HistoryRequestAdapter.INSTANCE)
                .registerTypeHierarchyAdapter(ReplyType.class, new ReplyTypeAdapter(new GsonBuilder()
                        .registerTypeAdapter(HistoryEntry.class, HistoryEntryAdapter.INSTANCE)
                        .registerTypeAdapter(ExpressionValue.class, ExpressionValueAdapter.INSTANCE)
                        .create()))
                .create();

        private final boolean signed;
        private final boolean isControl;
        private final JupyterConnection connection;
        private final AtomicLong dropped = new AtomicLong();
        private volatile Loop loop;

        Channel(ZMQ.Context context, HMACGenerator hmac, boolean signed, boolean isControl, JupyterConnection connection) {
            super(context, hmac, isControl, connection, SLEEP_MS);
            this.signed = signed;
            this.isControl = isControl;
            this.connection = connection;
        }

        String channelName() { return isControl ? "control" : "shell"; }

        @Override
        public void bind(KernelConnectionProperties props) {
            if (loop != null) throw new IllegalStateException("the " + channelName() + " channel is bound already");
            super.bind(formatAddress(props.getTransport(), props.getIp(),
                    isControl ? props.getControlPort() : props.getShellPort()));
            ZMQ.Poller poller = ctx.poller(1);
            poller.register(this, ZMQ.Poller.POLLIN);
            Loop l = new Loop("mask3d-" + channelName(), SLEEP_MS, () -> {
                if (poller.poll(0) > 0) serveOne();
            });
            l.onError(t -> {
                if (closed) return -1;   // the socket closed under the loop: stop quietly
                LOG.println("mask3d kernel: the " + channelName() + " channel's loop met "
                        + UntrustedText.escape(String.valueOf(t)) + "; it goes on");
                return SLEEP_MS;
            });
            loop = l;
            l.start();
        }

        /** Reads one message and hands it to its handler; a message that cannot be trusted is logged and dropped. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private void serveOne() {
            Message<?> message;
            try {
                message = readMessage();
            } catch (DroppedMessage d) {
                logDrop(d.getMessage());
                return;
            }
            if (message == null) return;
            MessageType<?> type = message.getHeader().getType();
            ShellHandler handler = connection.getHandler(type);
            if (handler == null) {
                logDrop("no handler for message type '" + UntrustedText.escape(type.getName()) + "'");
                return;
            }
            ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
            try {
                handler.handle(env, message);
            } catch (Exception e) {
                LOG.println("mask3d kernel: handling " + type.getName() + " on the " + channelName()
                        + " channel failed: " + UntrustedText.escape(String.valueOf(e)));
            } finally {
                env.resolveDeferrals();
            }
            if (env.isMarkedForShutdown()) connection.close();
        }

        private void logDrop(String reason) {
            long n = dropped.incrementAndGet();
            if (n <= LOG_FIRST || n % LOG_EVERY == 0) {
                LOG.println("mask3d kernel: dropped a message on the " + channelName() + " channel: " + reason
                        + (n > LOG_FIRST ? " (" + n + " dropped so far)" : ""));
            }
        }

        /**
         * The next message, read whole and checked; {@link DroppedMessage} when it cannot be trusted (bad or
         * missing signature, frames missing, a header, parent header, metadata or content that does not parse, an
         * unknown message type). Never reads past the end of the multipart message it started.
         */
        @Override
        public synchronized Message<?> readMessage() {
            if (closed) return null;
            List<byte[]> frames = new ArrayList<>();
            do {
                byte[] f = recv();
                if (f == null) throw new DroppedMessage("a frame could not be read");
                frames.add(f);
            } while (hasReceiveMore());
            return parse(frames);
        }

        private Message<?> parse(List<byte[]> frames) {
            int d = 0;
            while (d < frames.size() && !Arrays.equals(DELIMITER, frames.get(d))) d++;
            if (d == frames.size()) throw new DroppedMessage("no <IDS|MSG> delimiter among its " + frames.size() + " frames");
            int after = frames.size() - d - 1;
            if (after < 5) {
                throw new DroppedMessage(after + " frames after <IDS|MSG>, at least 5 expected "
                        + "(signature, header, parent header, metadata, content)");
            }
            byte[] signature = frames.get(d + 1);
            byte[] header = frames.get(d + 2);
            byte[] parent = frames.get(d + 3);
            byte[] metadata = frames.get(d + 4);
            byte[] content = frames.get(d + 5);
            if (signed) {
                if (signature.length == 0) throw new DroppedMessage("no signature (an unsigned message)");
                byte[] expected = hmacGenerator.calculateSignature(header, parent, metadata, content)
                        .getBytes(StandardCharsets.US_ASCII);
                if (!MessageDigest.isEqual(expected, signature)) throw new DroppedMessage("wrong signature");
            }
            Header<?> h = header(json("header", header), "header", true);
            MessageType<?> type = h.getType();
            JsonElement parentJson = json("parent header", parent);
            Header<?> parentHeader = parentJson.isJsonObject() && parentJson.getAsJsonObject().size() > 0
                    ? header(parentJson, "parent header", false) : null;
            Map<String, Object> meta;
            Object body;
            try {
                meta = GSON.fromJson(json("metadata", metadata), METADATA);
                body = GSON.fromJson(json("content", content), type.getContentType());
            } catch (DroppedMessage e) {
                throw e;
            } catch (RuntimeException e) {
                throw new DroppedMessage("malformed " + type.getName() + " metadata or content: "
                        + firstLine(e));
            }
            if (body == null) throw new DroppedMessage("no content in a " + type.getName() + " message");
            if (body instanceof ErrorReply) {
                h = new Header<>(h.getId(), h.getUsername(), h.getSessionId(), h.getTimestamp(), h.getType().error(), h.getVersion());
            }
            List<byte[]> identities = new ArrayList<>(frames.subList(0, d));
            List<byte[]> blobs = new ArrayList<>(frames.subList(d + 6, frames.size()));
            @SuppressWarnings({"unchecked", "rawtypes"})
            Message<?> message = new Message(identities, h, parentHeader, meta, body, blobs);
            return message;
        }

        private static JsonElement json(String part, byte[] raw) {
            try {
                JsonElement e = JsonParser.parseString(new String(raw, StandardCharsets.UTF_8));
                if (e == null) throw new DroppedMessage("the " + part + " is empty");
                return e;
            } catch (RuntimeException e) {
                if (e instanceof DroppedMessage dm) throw dm;
                throw new DroppedMessage("the " + part + " is not JSON: " + firstLine(e));
            }
        }

        /**
         * A header whose fields the base library's HeaderAdapter needs are all there, as strings; with
         * {@code knownType}, its message type is one the base library knows.
         */
        private static Header<?> header(JsonElement json, String part, boolean knownType) {
            if (!json.isJsonObject()) throw new DroppedMessage("the " + part + " is not a JSON object");
            JsonObject o = json.getAsJsonObject();
            for (String field : HEADER_FIELDS) {
                JsonElement v = o.get(field);
                if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                    throw new DroppedMessage("the " + part + " has no string field '" + field + "'");
                }
            }
            String typeName = o.get("msg_type").getAsString();
            if (knownType && MessageType.getType(typeName) == MessageType.UNKNOWN) {
                throw new DroppedMessage("unknown message type '" + UntrustedText.escape(typeName) + "'");
            }
            JsonElement date = o.get("date");
            if (date != null && !date.isJsonNull() && !(date.isJsonPrimitive() && date.getAsJsonPrimitive().isString())) {
                throw new DroppedMessage("the " + part + "'s field 'date' is not a string");
            }
            try {
                return GSON.fromJson(o, Header.class);
            } catch (RuntimeException e) {
                throw new DroppedMessage("malformed " + part + ": " + firstLine(e));
            }
        }

        /** The first line of a parser's message, escaped (Gson appends a troubleshooting link on a second line). */
        private static String firstLine(RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            return UntrustedText.escape(nl < 0 ? m : m.substring(0, nl));
        }

        @Override
        public void close() {
            Loop l = loop;
            if (l != null) l.shutdown();
            super.close();
        }

        @Override
        public void waitUntilClose() {
            Loop l = loop;
            if (l == null) return;
            try {
                l.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
