# The two commands of the README, and a few more. Each finds a JDK 25 itself (bin/find-jdk).
.PHONY: demo test tools build clean

# Build, then run the demo: a hello cluster on http://localhost:5000 (Ctrl-C stops it).
demo: build
	bin/clusterflock demo --port $${PORT:-5000}

# Build and run every test: unit tests, then integration tests with real processes.
# The reload tests put load on loopback with wrk, and the metrics tests check the master's scrape
# with promtool (Debian's prometheus package); both are installed here when missing.
test: tools
	./mvnw -B verify

tools:
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (load for the reload tests)"; \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get install -y -q wrk >/dev/null 2>&1 || { $$sudo apt-get update -q >/dev/null && $$sudo apt-get install -y -q wrk >/dev/null; }; }
	@command -v promtool >/dev/null 2>&1 || { echo "installing promtool (checks the metrics tests' scrapes)"; \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 || { $$sudo apt-get update -q >/dev/null \
	    && $$sudo apt-get install -y -q --no-install-recommends prometheus >/dev/null; }; }
	@command -v systemd-socket-activate >/dev/null 2>&1 || { echo "installing systemd-socket-activate (the socket activation tests)"; \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get install -y -q --no-install-recommends systemd >/dev/null 2>&1 || { $$sudo apt-get update -q >/dev/null \
	    && $$sudo apt-get install -y -q --no-install-recommends systemd >/dev/null; }; }

build:
	./mvnw -B -q install -DskipTests

clean:
	./mvnw -B -q clean
