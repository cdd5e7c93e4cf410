"""Kernel latency measured with the real Jupyter client (jupyter_client), for TwinLab's kernel and a peer.

Usage: /usr/bin/python3 kernel_latency.py KERNEL_NAME STARTS CELLS
Prints one JSON object: the time from KernelManager.start_kernel() to the first kernel_info_reply for each start, and
the round trip of a trivial cell (execute_request "1+1" to execute_reply and idle) after warm-up.
"""
import json
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

kernel, starts, cells = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
code = "1+1"

start_times = []
for _ in range(starts):
    km = KernelManager(kernel_name=kernel)
    began = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)  # sends kernel_info_request until the first kernel_info_reply arrives
    start_times.append(time.perf_counter() - began)
    kc.stop_channels()
    km.shutdown_kernel(now=False)

km = KernelManager(kernel_name=kernel)
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
began = time.perf_counter()
kc.execute_interactive(code, timeout=120, output_hook=lambda m: None)
first_cell = time.perf_counter() - began
for _ in range(50):  # warm-up: the compiler and the client reach steady state
    kc.execute_interactive(code, timeout=60, output_hook=lambda m: None)
round_trips = []
for _ in range(cells):
    began = time.perf_counter()
    kc.execute_interactive(code, timeout=60, output_hook=lambda m: None)
    round_trips.append(time.perf_counter() - began)
kc.stop_channels()
km.shutdown_kernel(now=False)

round_trips.sort()
print(json.dumps({
    "kernel": kernel,
    "start_median_s": statistics.median(start_times),
    "start_min_s": min(start_times),
    "start_max_s": max(start_times),
    "first_cell_s": first_cell,
    "cell_median_ms": 1000 * statistics.median(round_trips),
    "cell_p10_ms": 1000 * round_trips[len(round_trips) // 10],
    "cell_p90_ms": 1000 * round_trips[(9 * len(round_trips)) // 10],
}))
sys.stdout.flush()
import os
os._exit(0)
