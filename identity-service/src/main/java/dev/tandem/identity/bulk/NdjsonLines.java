package dev.tandem.identity.bulk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The lines of an NDJSON body, numbered from 1 and split as its bytes arrive: a line ends at {@code \n} (a {@code \r}
 * before it is dropped), the last one may lack its end, and each is decoded as UTF-8 once it is whole. A line longer
 * than the limit is not kept: it comes out as one line marked {@link Line#tooLong()}, in its place, and the lines
 * after it follow, so that one overlong line costs that line and not the import (or its memory).
 */
final class NdjsonLines {

	/** The longest line an import accepts; a user is far smaller. */
	static final int MAX_LINE_BYTES = 64 * 1024;

	private final int maxBytes;

	/** The bytes of the line being read, {@code size} of them; grown as a line needs, up to the limit. */
	private byte[] current = new byte[1024];

	private int size;

	private boolean overflowed;

	private long number;

	private NdjsonLines(int maxBytes) {
		this.maxBytes = maxBytes;
	}

	/** One line of the body: its number, from 1, and its text, or none if it was longer than the limit. */
	record Line(long number, String text, boolean tooLong) {
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
		if (overflowed || size + length > maxBytes + 1) {
			overflowed = true;
			size = 0;
			buffer.readPosition(buffer.readPosition() + length);
			return;
		}
		if (size + length > current.length) {
			current = Arrays.copyOf(current, Math.min(Math.max(current.length * 2, size + length), maxBytes + 1));
		}
		buffer.read(current, size, length);
		size += length;
	}

	private Line take() {
		int length = size > 0 && current[size - 1] == '\r' ? size - 1 : size;
		number++;
		Line line = overflowed || length > maxBytes ? new Line(number, "", true)
				: new Line(number, new String(current, 0, length, StandardCharsets.UTF_8), false);
		size = 0;
		overflowed = false;
		return line;
	}

	/** The last line, if the body did not end with a line end. */
	private @Nullable Line rest() {
		return size == 0 && !overflowed ? null : take();
	}
}
