"""The benchmark harness: `make bench` measures the service against its limits."""
