"""`make bench`: throughput, latency, start-up time and memory of the stub, against Prism and bare Starlette."""
