# The two commands of the README, and a few more. Each finds a JDK 25 itself (bin/find-jdk).
.PHONY: demo test build clean

# Build, then run the demo: a hello cluster on http://localhost:5000 (Ctrl-C stops it).
demo: build
	bin/clusterflock demo --port $${PORT:-5000}

# Build and run every test: unit tests, then integration tests with real processes.
test:
	./mvnw -B verify

build:
	./mvnw -B -q install -DskipTests

clean:
	./mvnw -B -q clean
