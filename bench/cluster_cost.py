"""The cluster's cost as the work grows: three nodes against one, at 10,000 and 100,000 entries.

    .venv/bin/python bench/cluster_cost.py [--entries 10000,100000] [--clients 10] [--rounds 2]
                                           [--single-port 9221]

For each size, first on a single node (`es.sh start PORT`, no replica) and then on the
three-node cluster of the production stack (`es.sh cluster-start`, HTTP 9211-9213, one replica,
as `make stack` runs it), bench/search_latency.py runs in a process of its own with
ELASTICSEARCH_URL naming the target's nodes: our full rebuild (docs/s), then our search (the
page's and the API's code path, hybrid with facets and highlighting) at 1 client and at
--clients clients, p50/p95 server time and queries/s. The table at the end puts the two targets
side by side with the cluster's figure as a share of the single node's.

All nodes are on this one machine and share its cores: the cluster here measures what the
replica and the coordination cost, not what three machines would gain. The sizes are those
bench/search_index.py prepares and caches (10000: the 10,229 Berlin stones, German and short;
100000: Berlin plus generated bilingual entries); their vectors as bench/search_latency.py
fills them. The single node is stopped at the end; the cluster is left as it was found
(stopped again only when this script started it).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ES = ROOT / "search" / "elasticsearch" / "es.sh"


def es(*args, check=True):
    result = subprocess.run(["bash", str(ES), *args], capture_output=True, text=True, check=False)  # noqa: S603, S607
    if check and result.returncode:
        sys.exit(f"es.sh {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout.strip().splitlines()[-1].strip() if result.stdout.strip() else ""


def cluster_running():
    try:
        with urllib.request.urlopen("http://127.0.0.1:9211/_cluster/health", timeout=3):
            return True
    except OSError:
        return False


def run_latency(url, replicas, entries, args, work):
    output = work / f"latency-{entries}-{replicas}.json"
    env = {
        **os.environ,
        "ELASTICSEARCH_URL": url,
        "MEMORIA_SEARCH_REPLICAS": str(replicas),
    }
    command = [
        sys.executable,
        str(ROOT / "bench" / "search_latency.py"),
        "--skip-wagtail",
        "--entries",
        str(entries),
        "--clients",
        str(args.clients),
        "--rounds",
        str(args.rounds),
        "--json",
        str(output),
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT)  # noqa: S603 -- this interpreter, our own script
    figures = json.loads(output.read_text())
    figures["seconds"] = time.perf_counter() - started
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", default="10000,100000", help="sizes, separated by commas")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds over the 50 queries, per client")
    parser.add_argument("--single-port", default="9221", help="HTTP port of the single node")
    args = parser.parse_args()
    sizes = [int(size) for size in args.entries.split(",") if size]
    run_started = time.perf_counter()

    print(f"starting the single node on port {args.single_port} and the three-node cluster ...", flush=True)
    single_url = es("start", args.single_port)
    cluster_was_running = cluster_running()
    cluster_url = es("cluster-start")
    print(f"single node: {single_url}\ncluster: {cluster_url}", flush=True)

    results = {}
    work = Path(tempfile.mkdtemp(prefix="memoria-cluster-cost-"))
    try:
        for entries in sizes:
            for target, url, replicas in (("single node", single_url, 0), ("cluster of 3", cluster_url, 1)):
                print(f"\n=== {entries:,} entries, {target} ({replicas} replica(s)) ===", flush=True)
                results[entries, target] = run_latency(url, replicas, entries, args, work)
    finally:
        es("stop", args.single_port, check=False)
        if not cluster_was_running:
            es("cluster-stop", check=False)

    print(f"\nsummary (all nodes on this machine: {os.cpu_count()} cores; {args.rounds} timed rounds of 50 queries)")
    header = [
        "entries",
        "target",
        "rebuild docs/s",
        "1 client p50 / p95 ms",
        f"{args.clients} clients p50 / p95 ms",
        "queries/s",
    ]
    rows = [header]
    for entries in sizes:
        for target in ("single node", "cluster of 3"):
            figures = results[entries, target]
            runs = {run["clients"]: run for run in figures["runs"]}
            one, many = runs[1], runs[args.clients]
            rows.append(
                [
                    f"{figures['entries']:,}",
                    f"{target} ({figures['nodes']} node(s), {figures['replicas']} replica)",
                    f"{figures['rebuild_docs_per_s']:,.0f}",
                    f"{one['p50']:.0f} / {one['p95']:.0f}",
                    f"{many['p50']:.0f} / {many['p95']:.0f}",
                    f"{many['qps']:.1f}",
                ]
            )
    width = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)).rstrip())
    print("\nthe cluster as a share of the single node")
    for entries in sizes:
        single, cluster = results[entries, "single node"], results[entries, "cluster of 3"]
        one = {run["clients"]: run for run in single["runs"]}
        three = {run["clients"]: run for run in cluster["runs"]}
        print(
            f"  {entries:,}: rebuild {cluster['rebuild_docs_per_s'] / single['rebuild_docs_per_s']:.0%} of the docs/s,"
            f" p95 at 1 client {three[1]['p95'] / one[1]['p95']:.0%},"
            f" queries/s at {args.clients} clients {three[args.clients]['qps'] / one[args.clients]['qps']:.0%}"
        )
    print(f"\nthe whole run: {time.perf_counter() - run_started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
