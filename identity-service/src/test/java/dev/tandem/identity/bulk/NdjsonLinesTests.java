package dev.tandem.identity.bulk;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class NdjsonLinesTests {

	private final NettyDataBufferFactory buffers = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);

	@Test
	void joinsLinesSplitAcrossBuffersAndKeepsALastLineWithoutItsEnd() {
		assertThat(texts(lines(10, "{\"a\"", ":1}\r\n{\"b\":2}\n", "\n{\"c\"", ":3}"))).containsExactly("{\"a\":1}",
				"{\"b\":2}", "", "{\"c\":3}");
	}

	@Test
	void decodesACharacterWhoseBytesArriveInTwoBuffers() {
		byte[] zoe = "Zoë\n".getBytes(StandardCharsets.UTF_8);
		DataBuffer first = buffers.wrap(Arrays.copyOfRange(zoe, 0, 3));
		DataBuffer second = buffers.wrap(Arrays.copyOfRange(zoe, 3, zoe.length));

		assertThat(texts(NdjsonLines.of(Flux.just(first, second), 10).collectList().block())).containsExactly("Zoë");
	}

	@Test
	void marksAnOverlongLineInItsPlaceAndGoesOnWithTheNextOnes() {
		List<NdjsonLines.Line> lines = lines(8, "short\n0123456", "789abc\nnext\n", "0123456789");

		assertThat(lines).extracting(NdjsonLines.Line::tooLong).containsExactly(false, true, false, true);
		assertThat(texts(lines)).containsExactly("short", "", "next", "");
		assertThat(lines).extracting(NdjsonLines.Line::number).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void keepsLinesLongerThanItsFirstBufferWholeUpToTheLimit() {
		String long1 = "x".repeat(3000);
		String atLimit = "y".repeat(5000);
		List<NdjsonLines.Line> lines = lines(5000, long1.substring(0, 700), long1.substring(700) + "\n" + atLimit,
				"\r\n" + "z".repeat(5001) + "\nend");

		assertThat(texts(lines)).containsExactly(long1, atLimit, "", "end");
		assertThat(lines).extracting(NdjsonLines.Line::tooLong).containsExactly(false, false, true, false);
	}

	@Test
	void acceptsALineOfExactlyTheLimitWhicheverItsLineEnd() {
		assertThat(lines(4, "abcd\nabcd\r\nabcde\nabcd")).extracting(NdjsonLines.Line::text, NdjsonLines.Line::tooLong)
			.containsExactly(tuple("abcd", false), tuple("abcd", false), tuple("", true), tuple("abcd", false));
	}

	@Test
	void givesBackTheBuffersItHasNotReadWhenTheImportStopsEarly() {
		List<NettyDataBuffer> sent = List.of((NettyDataBuffer) buffers.wrap("a\nb\n".getBytes(StandardCharsets.UTF_8)),
				(NettyDataBuffer) buffers.wrap("c\n".getBytes(StandardCharsets.UTF_8)),
				(NettyDataBuffer) buffers.wrap("d\n".getBytes(StandardCharsets.UTF_8)));

		NdjsonLines.of(Flux.fromIterable(sent).cast(DataBuffer.class), 4).take(1).collectList().block();

		assertThat(sent).extracting(NettyDataBuffer::getNativeBuffer).extracting(ByteBuf::refCnt).containsOnly(0);
	}

	@Test
	void givesBackEveryBufferItReads() {
		List<NettyDataBuffer> sent = List.of((NettyDataBuffer) buffers.wrap("a\nb".getBytes(StandardCharsets.UTF_8)),
				(NettyDataBuffer) buffers.wrap("cdefghijkl\nc\n".getBytes(StandardCharsets.UTF_8)));

		NdjsonLines.of(Flux.fromIterable(sent).cast(DataBuffer.class), 4).collectList().block();

		assertThat(sent).extracting(NettyDataBuffer::getNativeBuffer).extracting(ByteBuf::refCnt).containsOnly(0);
	}

	private List<NdjsonLines.Line> lines(int maxBytes, String... chunks) {
		return NdjsonLines.of(Flux.fromArray(chunks)
			.map(chunk -> (DataBuffer) buffers.wrap(chunk.getBytes(StandardCharsets.UTF_8))), maxBytes)
			.collectList()
			.block();
	}

	private static List<String> texts(List<NdjsonLines.Line> lines) {
		return lines.stream().map(NdjsonLines.Line::text).toList();
	}
}
