#!/usr/bin/env bash
# Writes a stand-in for the services' base image (eclipse-temurin:17-jre) as a `docker save` tarball, which Jib
# takes as `tar://...`: for machines that reach no container registry, such as CI here, so that the real Jib
# configuration can still build both images and deploy-tests can check them.
#
# What is in it: this machine's JDK 17 cut to a runtime by jlink, at /opt/java/openjdk with JAVA_HOME and PATH as
# in eclipse-temurin; the shared libraries that runtime links against, copied from this machine (Debian's glibc,
# zlib, libstdc++, the imaging libraries); /tmp; and /etc/passwd with the image's non-root user. No shell, no
# package manager. The AWT window, splash-screen and sound libraries are left out: the services run headless.
#
# Usage: local-base-image.sh OUTPUT.tar   (does nothing when OUTPUT.tar is newer than this script)
set -euo pipefail

out=$1
if [[ -s $out && $out -nt ${BASH_SOURCE[0]} ]]; then
	exit 0
fi
java_home=${LOCAL_BASE_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink || command -v javac)")")")}
"$java_home/bin/java" -version 2>&1 | grep -q '"17\.' || { echo "local-base-image: $java_home is not a JDK 17" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
runtime=$root/opt/java/openjdk

"$java_home/bin/jlink" --output "$runtime" --strip-debug --no-man-pages --no-header-files \
	--add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.management.agent,jdk.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.zipfs,jdk.charsets,jdk.localedata
rm -f "$runtime"/lib/{libawt_xawt,libjawt,libsplashscreen,libjsound}.so

# Merged /usr, as Debian and Ubuntu lay it out.
mkdir -p "$root"/usr/lib/x86_64-linux-gnu "$root"/usr/lib64 "$root"/usr/bin "$root"/etc "$root"/tmp
ln -s usr/lib "$root"/lib
ln -s usr/lib64 "$root"/lib64
ln -s usr/bin "$root"/bin
chmod 1777 "$root"/tmp
interpreter=$(readelf -l "$runtime/bin/java" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
cp -L "$interpreter" "$root/usr/lib64/$(basename "$interpreter")"
missing=$(find "$runtime" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
	| awk '$2 == "=>" && $3 ~ /^\// && $3 !~ /openjdk/ { print $3 } $2 == "=>" && $3 == "not" && $1 !~ /^lib(jvm|java|jli|awt|net|nio)\.so$/ { print "missing:" $1 }' \
	| sort -u | while read -r library; do
		case $library in
			missing:*) echo "${library#missing:}" ;;
			*) cp -L "$library" "$root/usr/lib/x86_64-linux-gnu/$(basename "$library")" ;;
		esac
	done)
if [[ -n $missing ]]; then
	echo "local-base-image: libraries not found on this machine: $missing" >&2
	exit 1
fi
# The launcher finds libjli.so through the loader's cache, as in eclipse-temurin (its ld.so.conf.d entry).
printf '/opt/java/openjdk/lib\n/opt/java/openjdk/lib/server\n/usr/lib/x86_64-linux-gnu\n' > "$root"/etc/ld.so.conf
ldconfig -r "$root"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$root"/etc/passwd
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root"/etc/group

# One layer, reproducible: sorted, owned by root, timestamps at the epoch.
image=$work/image
mkdir -p "$image"
tar --create --file "$image/layer.tar" --directory "$root" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 .
diff_id=sha256:$(sha256sum "$image/layer.tar" | cut -d' ' -f1)
runtime_version=$("$runtime/bin/java" -version 2>&1 | head -1)
cat > "$image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java/openjdk","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy-tests/local-base-image.sh: jlink of ${runtime_version//\"/} and the libraries it links"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["tandem/local-base:17"],"Layers":["layer.tar"]}]' > "$image/manifest.json"
mkdir -p "$(dirname "$out")"
tar --create --file "$out.partial" --directory "$image" manifest.json config.json layer.tar
mv "$out.partial" "$out"
echo "local-base-image: wrote $out ($(du -h "$out" | cut -f1), $runtime_version)"
