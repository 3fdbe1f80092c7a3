package dev.tandem.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A closed-loop HTTP load: {@code connections} clients, each sending its next request when the previous answered,
 * for a warm-up and then a measured interval; latencies go into an HdrHistogram.
 */
final class Load {

	private Load() {
	}

	/** One request: method, path, bearer token and (for writes) a body. */
	record Request(HttpMethod method, String path, String token, String contentType, byte[] body) {
	}

	/** What a measured interval gave. */
	record Result(String name, int connections, double requestsPerSecond, double p50Millis, double p99Millis,
			double maxMillis, long errors, long requests) {
	}

	static Result run(String name, String baseUrl, int connections, Duration warmUp, Duration measured,
			IntFunction<Request> requests) throws InterruptedException {
		ConnectionProvider pool = ConnectionProvider.builder(name).maxConnections(connections)
			.pendingAcquireMaxCount(-1).build();
		HttpClient client = HttpClient.create(pool).baseUrl(baseUrl).keepAlive(true);
		Recorder recorder = new Recorder(3);
		AtomicLong errors = new AtomicLong();
		AtomicLong done = new AtomicLong();
		long measureFrom = System.nanoTime() + warmUp.toNanos();
		long stopAt = measureFrom + measured.toNanos();
		AtomicLong sequence = new AtomicLong();
		List<Mono<Void>> loops = new java.util.ArrayList<>();
		for (int i = 0; i < connections; i++) {
			loops.add(Mono.defer(() -> {
				Request request = requests.apply((int) sequence.incrementAndGet());
				long started = System.nanoTime();
				return client.headers(headers -> {
					headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + request.token());
					if (request.body().length > 0) {
						headers.set(HttpHeaderNames.CONTENT_TYPE, request.contentType());
					}
				})
					.request(request.method())
					.uri(request.path())
					.send(request.body().length == 0 ? ByteBufFlux.empty() : ByteBufFlux.fromString(
							Mono.just(new String(request.body(), java.nio.charset.StandardCharsets.UTF_8))))
					.responseSingle((response, body) -> body.asByteArray()
						.defaultIfEmpty(new byte[0])
						.map(bytes -> response.status().code()))
					.doOnNext(status -> {
						long now = System.nanoTime();
						if (started >= measureFrom && now <= stopAt) {
							recorder.recordValue(Math.max(1, (now - started) / 1000));
							done.incrementAndGet();
							if (status >= 400) {
								errors.incrementAndGet();
							}
						}
					})
					.onErrorResume(failure -> {
						if (started >= measureFrom) {
							errors.incrementAndGet();
						}
						return Mono.empty();
					})
					.then();
			}).repeat(() -> System.nanoTime() < stopAt).then());
		}
		Flux.merge(loops).blockLast(warmUp.plus(measured).plusMinutes(1));
		pool.disposeLater().block(Duration.ofSeconds(10));
		var histogram = recorder.getIntervalHistogram();
		return new Result(name, connections, done.get() / (measured.toNanos() / 1e9),
				histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
				histogram.getMaxValue() / 1000.0, errors.get(), done.get());
	}
}
