package dev.tandem.identity.bulk;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The lines of an NDJSON body, split as its bytes arrive: a line ends at {@code \n} (a {@code \r} before it is
 * dropped), the last one may lack its end, and each is decoded as UTF-8 once it is whole. A line longer than the
 * limit is not kept: it comes out as one line marked {@link Line#tooLong()}, in its place, and the lines after it
 * follow, so that one overlong line costs that line and not the import (or its memory).
 */
final class NdjsonLines {

	/** The longest line an import accepts; a user is far smaller. */
	static final int MAX_LINE_BYTES = 64 * 1024;

	private final int maxBytes;

	private final ByteArrayOutputStream current = new ByteArrayOutputStream();

	private boolean overflowed;

	private NdjsonLines(int maxBytes) {
		this.maxBytes = maxBytes;
	}

	/** One line of the body: its text, or none if it was longer than the limit. */
	record Line(String text, boolean tooLong) {
	}

	static Flux<Line> of(Flux<DataBuffer> body) {
		return of(body, MAX_LINE_BYTES);
	}

	static Flux<Line> of(Flux<DataBuffer> body, int maxBytes) {
		return Flux.defer(() -> {
			NdjsonLines lines = new NdjsonLines(maxBytes);
			// Buffers queued when the import stops early (a failed batch, a client gone) are given back too.
			return body.concatMapIterable(lines::split)
				.doOnDiscard(DataBuffer.class, DataBufferUtils::release)
				.concatWith(Mono.fromSupplier(lines::rest));
		});
	}

	/** The lines {@code buffer} completes; what follows its last line end waits for the next buffer. */
	private List<Line> split(DataBuffer buffer) {
		try {
			List<Line> complete = new ArrayList<>();
			while (buffer.readableByteCount() > 0) {
				int end = buffer.indexOf(b -> b == '\n', buffer.readPosition());
				append(buffer, (end == -1 ? buffer.writePosition() : end) - buffer.readPosition());
				if (end == -1) {
					break;
				}
				buffer.read();
				complete.add(take());
			}
			return complete;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private void append(DataBuffer buffer, int length) {
		// One byte over the limit is kept: it may be the \r of a line end, which does not count.
		if (overflowed || current.size() + length > maxBytes + 1) {
			overflowed = true;
			current.reset();
			buffer.readPosition(buffer.readPosition() + length);
			return;
		}
		byte[] bytes = new byte[length];
		buffer.read(bytes);
		current.write(bytes, 0, length);
	}

	private Line take() {
		byte[] bytes = current.toByteArray();
		int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
		Line line = overflowed || length > maxBytes ? new Line("", true)
				: new Line(new String(bytes, 0, length, StandardCharsets.UTF_8), false);
		current.reset();
		overflowed = false;
		return line;
	}

	/** The last line, if the body did not end with a line end. */
	private @Nullable Line rest() {
		return current.size() == 0 && !overflowed ? null : take();
	}
}
