# schakel: the commands a user needs. The real build is meson; this file
# only names the common runs.
.POSIX:
.PHONY: all deps build run check bench fuzz format clean deb

BUILD = build
CHECK = build-check
FUZZ = build-fuzz
BENCH = build-bench
DEB = build-deb

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Serve the demo constituency on http://127.0.0.1:8080.
run: build
	scripts/run-demo $(BUILD)

# Every test under ASan+UBSan, reuse lint, then the fuzz targets briefly;
# the last line is "N passed, N failed".
check: deps
	scripts/check $(CHECK) $(FUZZ)

bench: deps
	@[ -f $(BENCH)/build.ninja ] || meson setup $(BENCH) --buildtype=release -Dtests=false
	ninja -C $(BENCH)
	bench/run $(BENCH)

# Fuzz every parser for FUZZ_SECONDS each (default 60).
fuzz: deps
	scripts/fuzz $(FUZZ) $${FUZZ_SECONDS:-60}

# The Debian package, built from a copy of the tree (tracked and new
# files) in $(DEB)/src, so that dpkg-buildpackage's files stay out of the
# tree: $(DEB)/schakel_VERSION_ARCH.deb, checked by lintian (an error
# fails). scripts/deb-check installs and tries it.
deb: deps
	rm -rf $(DEB)
	mkdir -p $(DEB)/src
	git ls-files -co --exclude-standard | while read -r f; do [ ! -e "$$f" ] || echo "$$f"; done | \
		tar -cf - -T - | (cd $(DEB)/src && tar -xf -)
	cd $(DEB)/src && dpkg-buildpackage -us -uc -b -j2
	lintian --fail-on error $(DEB)/*.changes
	@ls $(DEB)/*.deb

format:
	clang-format -i src/*/*.c src/*/*.h tests/unit/*.c tests/fuzz/*.c

clean:
	rm -rf $(BUILD) $(CHECK) $(FUZZ) $(BENCH) $(DEB)
