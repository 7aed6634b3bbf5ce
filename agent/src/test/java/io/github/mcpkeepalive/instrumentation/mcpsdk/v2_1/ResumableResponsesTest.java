package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkHooks;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.DefaultMcpTransportStream;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportException;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * What {@link ResumableResponses} decides on its own, without a network: which POST answers it taps
 * (a request's event stream, of a managed client whose transport resumes streams), that the tap
 * hands the SDK every byte and signal unchanged, when, after how long, a stream's end or break
 * schedules a resumption, and what follows the end of the agent's own GET (the response, another
 * GET after the stream's delay or a backoff, or giving up). The SDK objects are real (SDK 2.1 of
 * the test class path, a client of a server that is not there); the engine's scheduler runs at once
 * what is due now and only records what comes later, with its delay. The GET itself and its timing
 * on the wire are {@code ResponseStreamResumptionTest}'s.
 */
class ResumableResponsesTest {

  private static final String NOWHERE = "http://127.0.0.1:9";

  private final Recorded scheduler = new Recorded();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<McpAsyncClient> clients = new ArrayList<>();
  private KeepaliveEngine engine;
  private HttpClientStreamableHttpTransport transport;
  private MonoSink<Object> sink;

  @BeforeEach
  void managedClient() {
    assertInstanceOf(
        Sdk21Module.class,
        McpSdkInstrumentation.INSTANCE.moduleFor(getClass().getClassLoader()),
        "SDK 2.1 of the test class path is in the 2.1 range");
    Log.setSink(log::add);
    Log.setLevel(Log.Level.INFO);
    engine = new KeepaliveEngine(Settings.defaults(), () -> 0, scheduler, () -> 0.5);
    AgentRuntime.setEngine(engine);
    transport = HttpClientStreamableHttpTransport.builder(NOWHERE).build();
    managed(transport);
    AtomicReference<MonoSink<Object>> s = new AtomicReference<>();
    Mono.create(s::set).subscribe();
    sink = s.get();
  }

  @AfterEach
  void stop() {
    AgentRuntime.setEngine(null);
    clients.forEach(McpAsyncClient::close);
    Log.setSink(null);
  }

  // ---- which answers are tapped

  @ParameterizedTest
  @ValueSource(
      strings = {"text/event-stream", "text/event-stream; charset=utf-8", "Text/Event-Stream"})
  void anEventStreamAnsweringARequestOfAManagedClientIsTapped(String contentType) {
    Object tap = ResumableResponses.tap(transport, sink, request(), response(200, contentType));

    ResumableResponses.Tap t = assertInstanceOf(ResumableResponses.Tap.class, tap);
    assertSame(transport, t.transport.get());
    assertSame(engine.find(transport), t.connection);
  }

  @ParameterizedTest
  @CsvSource({
    "401, text/event-stream",
    "404, text/event-stream",
    "500, text/event-stream",
    "200, application/json",
    "200, ''"
  })
  void anAnswerThatIsNoEventStreamIsNotTapped(int status, String contentType) {
    assertNull(ResumableResponses.tap(transport, sink, request(), response(status, contentType)));
  }

  @Test
  void onlyARequestsStreamIsTapped() {
    Object stream = response(200, "text/event-stream");
    McpSchema.JSONRPCNotification notification =
        new McpSchema.JSONRPCNotification("2.0", "notifications/initialized", null);
    McpSchema.JSONRPCResponse answer = new McpSchema.JSONRPCResponse("2.0", 1, Map.of(), null);

    assertNull(ResumableResponses.tap(transport, sink, notification, stream), "a notification");
    assertNull(ResumableResponses.tap(transport, sink, answer, stream), "the client's answer");
    assertNull(ResumableResponses.tap(transport, sink, null, stream));
    assertNull(
        ResumableResponses.tap(transport, sink, request(), "not an HttpResponse"),
        "SDK versions that hand over something else");
  }

  @Test
  void aClientTheAgentDoesNotManageOrThatDoesNotResumeStreamsIsNotTapped() {
    Object stream = response(200, "text/event-stream");
    HttpClientStreamableHttpTransport unknown =
        HttpClientStreamableHttpTransport.builder(NOWHERE).build();
    HttpClientStreamableHttpTransport notResumable =
        HttpClientStreamableHttpTransport.builder(NOWHERE).resumableStreams(false).build();
    managed(notResumable);

    assertNull(ResumableResponses.tap(unknown, sink, request(), stream), "not managed");
    assertNull(
        ResumableResponses.tap(notResumable, sink, request(), stream), "resumableStreams(false)");
    AgentRuntime.setEngine(null);
    assertNull(ResumableResponses.tap(transport, sink, request(), stream), "the agent stopped");
  }

  @Test
  void anAnswerThatIsNotTappedIsHandedToTheSdkAsItIs() {
    Object json = response(200, "application/json");

    assertSame(json, ResumableResponses.responseArrived(transport, sink, request(), json));
    Flux<Optional<?>> flux = Flux.just(Optional.empty());
    assertSame(flux, ResumableResponses.responseRead(json, flux));
  }

  // ---- the tapped body: every byte and signal passed on unchanged, the fields read beside

  @Test
  void theTappedBodyPassesEveryBufferAndSignalOnUnchangedAndReadsTheFieldsBeside() {
    String stream = "retry: 2500\r\nid: 41\r\ndata: \r\n\r\nid: 42\nevent: message\ndata: {}\n\n";
    Response original =
        response(200, "text/event-stream", stream.substring(0, 20), stream.substring(20));
    ResumableResponses.Tap tap =
        (ResumableResponses.Tap) ResumableResponses.tap(transport, sink, request(), original);

    HttpResponse<Flow.Publisher<List<ByteBuffer>>> tapped = tapped(tap, original);
    Reading read = new Reading();
    tapped.body().subscribe(read);

    assertEquals(stream, read.text.toString(), "the SDK reads every byte, from each position on");
    assertTrue(read.completed);
    assertEquals("42", tap.fields.lastId());
    assertEquals(2500, tap.fields.retryMillis());
    assertEquals(200, tapped.statusCode());
    assertSame(original.headers(), tapped.headers());
    assertSame(original.request(), tapped.request());
    assertSame(original.uri(), tapped.uri());
    assertEquals(original.version(), tapped.version());
  }

  /**
   * The two woven entry points: the answer replaced by a tapped one, its message stream watched.
   */
  @Test
  void theWovenEntryPointsTapAnEventStreamAndWatchWhatTheSdkReadsOfIt() {
    Response original = response(200, "text/event-stream", "id: 7\ndata: \n\n");

    Object arrived = ResumableResponses.responseArrived(transport, sink, request(), original);
    @SuppressWarnings("unchecked")
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> tapped =
        (HttpResponse<Flow.Publisher<List<ByteBuffer>>>) arrived;
    tapped.body().subscribe(new Reading());
    Flux<Optional<?>> messages = Flux.just(Optional.empty());
    Object watched = ResumableResponses.responseRead(arrived, messages);
    Flux.from((Publisher<?>) watched).blockLast();

    assertTrue(arrived != original, "replaced by the tapped answer");
    assertTrue(watched != messages, "watched");
    assertEquals(List.of(1000L), scheduler.resumptionDelays(), "resumed from the id read beside");
  }

  @Test
  void aBrokenBodyReachesTheSdkAsItsError() {
    Object tap =
        ResumableResponses.tap(transport, sink, request(), response(200, "text/event-stream"));
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> tapped =
        tapped(tap, new Response(200, headers("text/event-stream"), List.of("id: 1\n"), true));
    Reading read = new Reading();
    tapped.body().subscribe(read);

    assertEquals("id: 1\n", read.text.toString());
    assertInstanceOf(IOException.class, read.error);
  }

  // ---- when a stream's end schedules a resumption, and after how long

  /**
   * The server's {@code retry:} delay, 1 s when it sent none, 60 s at most (a request waits no
   * longer to be resumed); a retry of 0 resumes at once.
   */
  @ParameterizedTest
  @CsvSource({
    "'retry: 1500\n', 1500",
    "'', 1000",
    "'retry: 0\n', 0",
    "'retry: 60000\n', 60000",
    "'retry: 60001\n', 60000",
    "'retry: 86400000\n', 60000",
    "'retry: 99999999999999999999\n', 60000",
    "'retry: 700\nretry: soon\n', 700",
  })
  void aStreamEndedAfterAnIdWithoutTheResponseIsResumedAfterItsRetryDelay(
      String retry, long millis) {
    ResumableResponses.Tap tap = tapOf(retry + "id: 7\ndata: \n\n");

    ended(tap, Flux.just(Optional.empty(), Optional.of(notification())));

    assertEquals(List.of(millis), scheduler.resumptionDelays());
    assertTrue(
        logged("resuming it in " + millis + " ms" + (retry.isEmpty() ? " with" : " (its retry")),
        String.join("\n", log));
  }

  @Test
  void aStreamThatDeliveredTheResponseIsNotResumed() {
    ResumableResponses.Tap tap = tapOf("retry: 100\nid: 7\ndata: \n\n");

    ended(
        tap,
        Flux.just(
            Optional.empty(),
            Optional.of(new McpSchema.JSONRPCResponse("2.0", 1, Map.of(), null))));

    assertTrue(tap.answered);
    assertEquals(List.of(), scheduler.resumptionDelays());
  }

  @Test
  void aStreamWithoutAnIdIsNotResumed() {
    assertEquals(List.of(), endedAfter("retry: 100\ndata: \n\n"), "no id at all");
    assertEquals(
        List.of(), endedAfter("id: 7\ndata: \n\nid:\ndata: \n\n"), "an empty id resets it");
    assertFalse(logged("resuming"), String.join("\n", log));
  }

  /**
   * A stream broken by its connection (a proxy's cut: java.net.http's "chunked transfer encoding"
   * error caused by an EOFException) after the SDK read an event of it: the SDK ignores the error
   * and waits, so the agent resumes it as one the server ended, after its retry delay.
   */
  @Test
  void aStreamBrokenAfterTheSdkReadAnEventIsResumedAfterItsRetryDelay() {
    ResumableResponses.Tap tap = tapOf("retry: 100\nid: 7\ndata: \n\n");

    broken(tap, Flux.just(Optional.empty()), cut());

    assertEquals(List.of(100L), scheduler.resumptionDelays());
    assertEquals("7", tap.lastId);
    assertTrue(
        logged(
                "response stream broke before the response (EOFException: EOF reached while reading)")
            && logged("resuming it in 100 ms (its retry field)"),
        String.join("\n", log));
  }

  /**
   * Broken before the SDK read any event of it, a stream's error fails the request at once (the SDK
   * takes it for a request that was not delivered): nothing to resume, whatever the agent read.
   */
  @Test
  void aStreamBrokenBeforeTheSdkReadAnEventIsNotResumed() {
    ResumableResponses.Tap tap = tapOf("retry: 100\nid: 7\ndata: \n\n");

    broken(tap, Flux.empty(), cut());

    assertEquals(List.of(), scheduler.resumptionDelays());
    assertFalse(logged("resuming"), String.join("\n", log));
  }

  @Test
  void aStreamBrokenWithoutAnIdOrAfterTheResponseIsNotResumed() {
    broken(tapOf("retry: 100\ndata: \n\n"), Flux.just(Optional.empty()), cut());
    broken(
        tapOf("retry: 100\nid: 7\ndata: \n\n"),
        Flux.just(Optional.of(new McpSchema.JSONRPCResponse("2.0", 1, Map.of(), null))),
        cut());

    assertEquals(List.of(), scheduler.resumptionDelays());
  }

  /**
   * An error of the SDK's own reading (an event it could not parse) is no broken connection: a GET
   * would meet it again, and the SDK's failure stays; so does a client whose own I/O was shut down.
   */
  @Test
  void aStreamThatFailsForAnythingButItsConnectionIsNotResumed() {
    broken(
        tapOf("retry: 100\nid: 7\ndata: \n\n"),
        Flux.just(Optional.empty()),
        new McpTransportException("Error parsing JSON-RPC message: {\"jsonrpc\""));
    broken(
        tapOf("retry: 100\nid: 7\ndata: \n\n"),
        Flux.just(Optional.empty()),
        new IOException(
            "stream closed", new IllegalStateException("executor not accepting a task")));

    assertEquals(List.of(), scheduler.resumptionDelays());
    assertTrue(ResumableResponses.brokenConnection(cut()));
    assertTrue(ResumableResponses.brokenConnection(new IOException("Connection reset")));
  }

  @Test
  void aStreamThatEndsWhileTheAgentIsStoppedIsNotResumed() {
    ResumableResponses.Tap tap = tapOf("id: 7\ndata: \n\n");
    AgentRuntime.setEngine(null);

    ended(tap, Flux.just(Optional.empty()));

    assertEquals(List.of(), scheduler.resumptionDelays());
  }

  @Test
  void theWatchedStreamPassesEveryMessageOn() {
    ResumableResponses.Tap tap = tapOf("");
    McpSchema.JSONRPCNotification n = notification();

    Object watched = ResumableResponses.watch(tap, Flux.just(Optional.empty(), Optional.of(n)));

    assertEquals(
        List.of(Optional.empty(), Optional.of(n)),
        Flux.from((Publisher<?>) watched).collectList().block());
    assertNull(ResumableResponses.watch(tap, null));
  }

  /**
   * A resumption that comes due after the application closed its client does nothing; one of an
   * open client builds the SDK stream object to open the GET from (seen by the numbers the SDK
   * gives those objects: {@code streamId} counts every one made; the GET itself needs a server, and
   * is {@code ResponseStreamResumptionTest}'s).
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aResumptionOpensTheStreamOnlyWhileTheClientIsOpen(boolean closed) {
    ResumableResponses.Tap tap = tapOf("id: 7\ndata: \n\n");
    ended(tap, Flux.just(Optional.empty()));
    if (closed) {
      SdkHooks.clientClosed(clients.get(0));
    }
    long before = streamsMade();

    scheduler.resumptions.get(0).run();

    assertEquals(closed ? 0 : 1, streamsMade() - before - 1, "SDK streams made by the resumption");
    assertFalse(logged("WARN"), String.join("\n", log));
  }

  // ---- the agent's own GET: what follows its end

  /**
   * Only the GET of a stream object the agent opened a resumption with is watched, once (a retry of
   * the SDK's own after a 401 builds the GET again, unwatched); the session's notification stream
   * (no stream object) and every other GET pass as they are.
   */
  @Test
  void onlyTheAgentsOwnGetIsWatched() {
    ResumableResponses.Tap tap = resumingTap("id: 7\ndata: \n\n");
    Object stream = stream("7");
    Flux<Optional<?>> messages = Flux.just(Optional.empty());
    ResumableResponses.opening(stream, tap);

    assertSame(messages, ResumableResponses.getSent(null, messages), "the notification stream");
    assertSame(messages, ResumableResponses.getSent(stream("7"), messages), "another stream");
    assertTrue(ResumableResponses.getSent(stream, messages) != messages, "the agent's: watched");
    assertSame(messages, ResumableResponses.getSent(stream, messages), "watched once");
  }

  /**
   * A GET that fails (here a 503, then refused or cut connections, then a GET that ends without any
   * event) is tried again after a backoff: the larger of the stream's delay and backoff_initial (1
   * s), doubled for each further failure; after four GETs the agent gives up with one line, and
   * nothing more is scheduled. Each GET starts from the same id.
   */
  @Test
  void aFailingGetIsTriedAgainAfterABackoffAndGivenUpAfterFourGets() {
    ResumableResponses.Tap tap = resumingTap("retry: 100\nid: 7\ndata: \n\n");
    List<Throwable> failures =
        List.of(
            new McpTransportException("Received unexpected status code: 503, response body: x"),
            new IOException("HTTP/1.1 header parser received no bytes"),
            cut());

    for (Throwable failure : failures) {
      getEnds(tap, stream(tap.lastId), Flux.error(failure));
    }
    assertEquals(List.of(100L, 1000L, 2000L, 4000L), scheduler.resumptionDelays());
    assertEquals("7", tap.lastId);
    assertFalse(logged("resuming a request's response stream failed"), String.join("\n", log));

    getEnds(tap, stream(tap.lastId), Flux.empty()); // the fourth GET: 200, and no event at all

    assertEquals(4, scheduler.resumptionDelays().size(), "no fifth GET");
    assertEquals(
        1,
        log.stream().filter(l -> l.contains("resuming a request's response stream failed")).count(),
        String.join("\n", log));
    assertTrue(logged("failed after 4 GETs (no response on it); the request fails at its timeout"));
    getEnds(tap, stream(tap.lastId), Flux.error(cut())); // a late end of any GET: still nothing
    assertEquals(4, scheduler.resumptionDelays().size());
    assertEquals(
        1, log.stream().filter(l -> l.contains("response stream failed")).count(), "said once");
  }

  @ParameterizedTest
  @CsvSource({
    "100, 1, 1000",
    "100, 2, 2000",
    "100, 3, 4000",
    "1500, 1, 1500",
    "1500, 3, 6000",
    "0, 1, 1000",
    "40000, 2, 60000",
    "60000, 30, 60000",
  })
  void theBackoffStartsAtTheStreamsDelayOrBackoffInitialAndDoublesUpToAMinute(
      long streamDelay, int failed, long millis) {
    assertEquals(millis, ResumableResponses.backoffMillis(streamDelay, failed));
  }

  /**
   * A GET that brought events but ended (or broke) before the response is resumed again after the
   * stream's delay, from the last id it brought (the SDK writes it into the stream object), and its
   * failures in a row start again.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aGetThatBroughtEventsButNotTheResponseIsResumedAgainFromItsOwnLastId(boolean broken) {
    ResumableResponses.Tap tap = resumingTap("retry: 1500\nid: 7\ndata: \n\n");
    getEnds(tap, stream("7"), Flux.error(cut()));
    Object stream = stream("7");
    id(stream).set("12"); // the SDK read event 12, a notification, on this GET
    Flux<Optional<?>> events = Flux.just(Optional.of(notification()));

    getEnds(tap, stream, broken ? events.concatWith(Flux.error(cut())) : events);

    assertEquals(List.of(1500L, 1500L, 1500L), scheduler.resumptionDelays());
    assertEquals("12", tap.lastId);
    assertEquals(0, tap.failedGets);
  }

  @Test
  void aGetThatBroughtTheResponseEndsTheResumption() {
    ResumableResponses.Tap tap = resumingTap("id: 7\ndata: \n\n");

    getEnds(
        tap,
        stream("7"),
        Flux.just(
            Optional.empty(),
            Optional.of(new McpSchema.JSONRPCResponse("2.0", 1, Map.of(), null))));

    assertTrue(tap.answered);
    assertEquals(List.of(1000L), scheduler.resumptionDelays(), "only the first GET's");
    assertFalse(logged("failed after"), String.join("\n", log));
  }

  /**
   * The server no longer knows the session (the SDK starts a new one, and the stream went with the
   * old), or rejects the credentials: the agent gives up at once, with its one line.
   */
  @ParameterizedTest
  @ValueSource(strings = {"session", "401", "403"})
  void aGetTheServerAnswersSessionGoneOrCredentialsRejectedIsGivenUpAtOnce(String answer) {
    ResumableResponses.Tap tap = resumingTap("id: 7\ndata: \n\n");
    Throwable error =
        answer.equals("session")
            ? new McpTransportSessionNotFoundException("Session not found for session ID: s-1")
            : new McpTransportException(
                "Received unexpected status code: " + answer + ", response body: <omitted>");

    getEnds(tap, stream("7"), Flux.error(error));

    assertEquals(List.of(1000L), scheduler.resumptionDelays(), "no second GET");
    assertTrue(logged("failed after 1 GET ("), String.join("\n", log));
  }

  @ParameterizedTest
  @ValueSource(strings = {"client closed", "agent stopped"})
  void aGetThatEndsAfterTheClientClosedOrTheAgentStoppedIsFollowedByNothing(String what) {
    ResumableResponses.Tap tap = resumingTap("id: 7\ndata: \n\n");
    if (what.equals("client closed")) {
      SdkHooks.clientClosed(clients.get(0));
    } else {
      AgentRuntime.setEngine(null);
    }

    getEnds(tap, stream("7"), Flux.error(cut()));

    assertEquals(List.of(1000L), scheduler.resumptionDelays());
    assertFalse(logged("failed after"), String.join("\n", log));
  }

  // ---- helpers

  /** {@code transport}, a client's, registered with the engine as the woven constructor does. */
  private void managed(HttpClientStreamableHttpTransport t) {
    McpAsyncClient client = McpClient.async(t).requestTimeout(Duration.ofSeconds(1)).build();
    clients.add(client);
    SdkHooks.asyncClientCreated(client);
    assertNotNull(engine.find(t));
  }

  /** A tap of a request's event stream whose body (read by the SDK) was {@code stream}. */
  private ResumableResponses.Tap tapOf(String stream) {
    Object tap =
        ResumableResponses.tap(transport, sink, request(), response(200, "text/event-stream"));
    tapped(tap, response(200, "text/event-stream", stream)).body().subscribe(new Reading());
    return (ResumableResponses.Tap) tap;
  }

  /** The answer the SDK reads instead of {@code r}, for {@code tap}. */
  @SuppressWarnings("unchecked")
  private static HttpResponse<Flow.Publisher<List<ByteBuffer>>> tapped(Object tap, Response r) {
    return (HttpResponse<Flow.Publisher<List<ByteBuffer>>>) ResumableResponses.tapped(tap, r);
  }

  /** The SDK's message stream of {@code tap}'s answer, watched and read to its end. */
  private static void ended(ResumableResponses.Tap tap, Flux<?> messages) {
    Object watched = ResumableResponses.watch(tap, messages);
    Flux.from((Publisher<?>) watched).blockLast();
  }

  /**
   * The SDK's message stream of {@code tap}'s answer, {@code read}, then broken by {@code error}.
   */
  private static void broken(ResumableResponses.Tap tap, Flux<?> read, Throwable error) {
    Object watched = ResumableResponses.watch(tap, read.concatWith(Flux.error(error)));
    Flux.from((Publisher<?>) watched).onErrorComplete().blockLast();
  }

  /** java.net.http's error for a chunked body cut by the peer. */
  private static IOException cut() {
    return new IOException(
        "chunked transfer encoding, state: READING_DATA",
        new EOFException("EOF reached while reading"));
  }

  /**
   * A tap of a request whose stream {@code events} ended without the response, its first GET sent
   * (as the scheduled resumption counts it; the test's own GETs stand for the transport's).
   */
  private ResumableResponses.Tap resumingTap(String events) {
    ResumableResponses.Tap tap = tapOf(events);
    ended(tap, Flux.just(Optional.empty()));
    assertEquals(1, scheduler.resumptionDelays().size());
    tap.gets = 1;
    return tap;
  }

  /**
   * A GET of {@code tap}'s with the SDK stream object {@code stream} brings {@code messages} and
   * ends: sent through the woven entry point, watched, read to its end; counted as the resumption
   * that follows counts it.
   */
  private static void getEnds(ResumableResponses.Tap tap, Object stream, Flux<?> messages) {
    ResumableResponses.opening(stream, tap);
    Object watched = ResumableResponses.getSent(stream, messages);
    Flux.from((Publisher<?>) watched).onErrorComplete().blockLast();
    tap.gets++; // the GET the scheduled resumption would open now
  }

  /** An SDK stream object, as the agent opens a GET with, from {@code lastId}. */
  private static Object stream(String lastId) {
    DefaultMcpTransportStream<Object> stream =
        new DefaultMcpTransportStream<>(false, s -> Mono.empty());
    id(stream).set(lastId);
    return stream;
  }

  @SuppressWarnings("unchecked")
  private static AtomicReference<Object> id(Object stream) {
    try {
      return (AtomicReference<Object>) Sdk21Module.TRANSPORT_STREAM_LAST_ID.get(stream);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private List<Long> endedAfter(String stream) {
    ended(tapOf(stream), Flux.just(Optional.empty()));
    return scheduler.resumptionDelays();
  }

  /** The number the SDK gives the next transport stream object it makes. */
  private static long streamsMade() {
    return new DefaultMcpTransportStream<Object>(false, stream -> Mono.empty()).streamId();
  }

  private boolean logged(String text) {
    return log.stream().anyMatch(l -> l.contains(text));
  }

  private static McpSchema.JSONRPCRequest request() {
    return new McpSchema.JSONRPCRequest("2.0", "tools/call", 1, Map.of("name", "echo"));
  }

  private static McpSchema.JSONRPCNotification notification() {
    return new McpSchema.JSONRPCNotification("2.0", "notifications/message", Map.of());
  }

  private static Response response(int status, String contentType, String... chunks) {
    return new Response(status, headers(contentType), List.of(chunks), false);
  }

  private static HttpHeaders headers(String contentType) {
    return HttpHeaders.of(
        contentType.isEmpty() ? Map.of() : Map.of("Content-Type", List.of(contentType)),
        (name, value) -> true);
  }

  /**
   * The engine's scheduler, moved by nothing: what is to run now runs at once (the engine's state
   * changes); what is to run later is only recorded, and the resumptions {@link ResumableResponses}
   * schedules are kept with their delay, for the test to run or not.
   */
  private static final class Recorded implements TaskScheduler {
    final List<Runnable> resumptions = new CopyOnWriteArrayList<>();
    final List<Long> delays = new CopyOnWriteArrayList<>();

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      if (task.getClass().getName().startsWith(ResumableResponses.class.getName() + "$$Lambda")) {
        resumptions.add(task);
        delays.add(TimeUnit.NANOSECONDS.toMillis(delayNanos));
      }
      return () -> {};
    }

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    List<Long> resumptionDelays() {
      return List.copyOf(delays);
    }
  }

  /** What the SDK reads of a body: the bytes from each buffer's position, and how it ended. */
  private static final class Reading implements Flow.Subscriber<List<ByteBuffer>> {
    final StringBuilder text = new StringBuilder();
    boolean completed;
    Throwable error;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      item.forEach(b -> text.append(StandardCharsets.UTF_8.decode(b)));
    }

    @Override
    public void onError(Throwable throwable) {
      error = throwable;
    }

    @Override
    public void onComplete() {
      completed = true;
    }
  }

  /**
   * An answer of the JDK's HTTP client whose body publishes {@code chunks}, each a buffer whose
   * position is not 0 (the tap must read from the position), then completes, or fails when {@code
   * broken}.
   */
  private record Response(int status, HttpHeaders headers, List<String> chunks, boolean broken)
      implements HttpResponse<Flow.Publisher<List<ByteBuffer>>> {

    private static final HttpRequest REQUEST = HttpRequest.newBuilder(URI.create(NOWHERE)).build();

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public HttpRequest request() {
      return REQUEST;
    }

    @Override
    public Optional<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Flow.Publisher<List<ByteBuffer>> body() {
      return subscriber ->
          subscriber.onSubscribe(
              new Flow.Subscription() {
                boolean done;

                @Override
                public void request(long n) {
                  if (done) {
                    return;
                  }
                  done = true;
                  for (String chunk : chunks) {
                    byte[] bytes = ("##" + chunk).getBytes(StandardCharsets.UTF_8);
                    ByteBuffer b = ByteBuffer.wrap(bytes);
                    b.position(2);
                    subscriber.onNext(List.of(b));
                  }
                  if (broken) {
                    subscriber.onError(new IOException("EOF reached while reading"));
                  } else {
                    subscriber.onComplete();
                  }
                }

                @Override
                public void cancel() {
                  done = true;
                }
              });
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return REQUEST.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
