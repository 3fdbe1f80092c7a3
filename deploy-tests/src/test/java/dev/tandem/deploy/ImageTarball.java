package dev.tandem.deploy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image tarball as {@code jib:buildTar} writes it (an OCI image layout in a tar): its manifest, its configuration
 * and the entries of each layer, each blob checked against its digest.
 */
record ImageTarball(JsonNode manifest, JsonNode config, List<Layer> layers) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** One layer: where it came from (the history's comment, {@code dependencies}, {@code classes}...) and its files. */
	record Layer(String comment, Map<String, TarArchiveEntry> entries, Map<String, byte[]> smallFiles) {
	}

	static ImageTarball read(Path tarball) {
		Map<String, byte[]> blobs = new LinkedHashMap<>();
		try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
			for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
				if (entry.isFile()) {
					blobs.put(entry.getName(), tar.readAllBytes());
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		JsonNode index = JSON.readTree(blobs.get("index.json"));
		JsonNode manifest = JSON.readTree(blob(blobs, index.path("manifests").get(0).path("digest").asString()));
		JsonNode config = JSON.readTree(blob(blobs, manifest.path("config").path("digest").asString()));
		List<String> comments = config.path("history")
			.valueStream()
			.filter(step -> !step.path("empty_layer").asBoolean())
			.map(step -> step.path("comment").asString(step.path("created_by").asString()))
			.toList();
		List<Layer> layers = new ArrayList<>();
		JsonNode descriptors = manifest.path("layers");
		for (int i = 0; i < descriptors.size(); i++) {
			layers.add(layer(comments.get(i), blob(blobs, descriptors.get(i).path("digest").asString())));
		}
		return new ImageTarball(manifest, config, layers);
	}

	/** The files of every layer by their path in the image ({@code /app/libs/...}), later layers winning. */
	Map<String, TarArchiveEntry> files() {
		Map<String, TarArchiveEntry> files = new LinkedHashMap<>();
		layers.forEach(layer -> files.putAll(layer.entries()));
		return files;
	}

	Layer layer(String comment) {
		return layers.stream()
			.filter(layer -> layer.comment().equals(comment))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no layer " + comment));
	}

	private static byte[] blob(Map<String, byte[]> blobs, String digest) {
		byte[] blob = blobs.get("blobs/sha256/" + digest.substring("sha256:".length()));
		if (blob == null) {
			throw new AssertionError("the tarball has no blob " + digest);
		}
		try {
			String actual = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
			if (!actual.equals(digest)) {
				throw new AssertionError("blob " + digest + " has the digest " + actual);
			}
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		return blob;
	}

	private static Layer layer(String comment, byte[] compressed) {
		Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
		Map<String, byte[]> smallFiles = new LinkedHashMap<>();
		try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(compressed));
				TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
			for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
				String path = "/" + entry.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
				entries.put(path, entry);
				if (entry.isFile() && entry.getSize() < 64 * 1024) {
					smallFiles.put(path, tar.readAllBytes());
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new Layer(comment, entries, smallFiles);
	}
}
