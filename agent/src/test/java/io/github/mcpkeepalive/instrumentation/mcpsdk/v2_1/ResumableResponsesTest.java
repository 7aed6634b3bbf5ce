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
 * hands the SDK every byte and signal unchanged, and when, after how long, a stream's end schedules
 * a resumption. The SDK objects are real (SDK 2.1 of the test class path, a client of a server that
 * is not there); the engine's scheduler runs at once what is due now and only records what comes
 * later, with its delay. The GET itself and its timing on the wire are {@code
 * ResponseStreamResumptionTest}'s.
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

  @Test
  void aBrokenStreamIsNotResumed() {
    ResumableResponses.Tap tap = tapOf("retry: 100\nid: 7\ndata: \n\n");

    Object watched =
        ResumableResponses.watch(
            tap, Flux.just(Optional.empty()).concatWith(Flux.error(new IOException("cut"))));
    Flux.from((Publisher<?>) watched).onErrorComplete().blockLast();

    assertEquals(List.of(), scheduler.resumptionDelays());
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
