#!/usr/bin/env python3
"""Plays a `jingkang whatif` sweep in shards on a Ray cluster and prints the whole sweep's report.

    python3 tools/ray_sweep.py [OPTIONS] -- WHATIF_ARGUMENTS...

WHATIF_ARGUMENTS are those of `jingkang whatif` (a scenario or --from SAVE, --runs, --seed,
--historical, --choose, --compare, --difficulty, --no-war-plans, --threads), with the report's own
(--json, --csv FILE, --plot FILE). Each shard is a Ray task that runs
`jingkang whatif WHATIF_ARGUMENTS --shard K/N --out PART` in a temporary folder of the node it
lands on and returns the partial's bytes through Ray's object store, so the nodes share no folder.
The driver writes the partials to a temporary folder (or --keep-parts DIR) and runs
`jingkang merge` on them with the report's options: what it prints (and the CSV and chart it
writes) is what `jingkang whatif WHATIF_ARGUMENTS` on one machine gives, byte for byte, but for
the seconds in the text's first line, which are the shards' added up. Ray schedules the tasks;
this script only hands them out and waits.

Ray: on one machine, the script starts a local Ray instance (--num-cpus, no dashboard) and stops
it at the end. On a cluster (`ray start --head` on one node, `ray start --address HEAD:6379` on
the others), run it on a node of the cluster with --address auto, or with RAY_ADDRESS set. The
`jingkang` binary (--binary, else $JINGKANG_BIN, else `jingkang` on the PATH) must be at the same
absolute path on every node, as must a scenario file or a --from save given by path: each shard is
run in the driver's working folder when that folder exists on its node (so relative paths mean
there what they mean here, and the report names the save as given), else in a temporary one.

Exit status: merge's; a shard's own when one fails (its error is printed); 2 for bad options.
"""
import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile

def fail(message):
    """Ends the script on a usage error, with argparse's exit status."""
    sys.stderr.write(f"error: {message}\n")
    sys.exit(2)


# Options of `whatif` that make the report rather than the runs: they go to `jingkang merge`.
REPORT_FLAGS = {"--json"}
REPORT_OPTIONS = {"--csv", "--plot"}
# Options the script sets itself for each shard.
SHARD_OPTIONS = {"--shard", "--out"}


def split_arguments(whatif_args):
    """The whatif arguments split into the shards' and the merge's (the report's)."""
    sweep, report = [], []
    args = iter(whatif_args)
    for arg in args:
        name = arg.split("=", 1)[0]
        if name in SHARD_OPTIONS:
            fail(f"{name} is set by the script for each shard; leave it out")
        if name in REPORT_FLAGS:
            report.append(arg)
        elif name in REPORT_OPTIONS:
            report.append(arg)
            if "=" not in arg:
                value = next(args, None)
                if value is None:
                    fail(f"{arg} needs a file")
                report.append(value)
        else:
            sweep.append(arg)
    return sweep, report


def play_shard(binary, sweep, shard, cwd):
    """Runs one shard of the sweep on this node; returns its exit code, its stderr and, if it
    succeeded, the partial's bytes."""
    with tempfile.TemporaryDirectory(prefix="jingkang-shard-") as tmp:
        part = os.path.join(tmp, "part.jsonl")
        run_in = cwd if os.path.isdir(cwd) else tmp
        try:
            done = subprocess.run(
                [binary, "whatif", *sweep, "--shard", shard, "--out", part],
                cwd=run_in,
                capture_output=True,
            )
        except OSError as e:
            return {"code": 127, "stderr": f"error: cannot run {binary} on this node: {e}\n", "part": None}
        stderr = done.stderr.decode("utf-8", "replace")
        if done.returncode != 0:
            return {"code": done.returncode, "stderr": stderr, "part": None}
        with open(part, "rb") as f:
            return {"code": 0, "stderr": stderr, "part": f.read()}


def start_ray(options):
    """Connects to the cluster named by --address or RAY_ADDRESS, or starts a local instance."""
    import ray

    quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
    address = options.address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, **quiet)
    else:
        local = {"num_cpus": options.num_cpus or os.cpu_count() or 1, "include_dashboard": False}
        if options.ray_temp_dir:
            local["_temp_dir"] = os.path.abspath(options.ray_temp_dir)
        ray.init(**local, **quiet)
    return ray


def find_binary(given):
    """The jingkang binary's absolute path."""
    binary = given or os.environ.get("JINGKANG_BIN") or shutil.which("jingkang")
    if not binary:
        fail("no jingkang binary: give --binary PATH, set JINGKANG_BIN or put it on the PATH")
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        fail(f"{binary} is not an executable")
    return binary


def main():
    parser = argparse.ArgumentParser(
        description="Play a jingkang whatif sweep in shards on Ray and print the whole sweep's report.",
        usage="%(prog)s [OPTIONS] -- WHATIF_ARGUMENTS...",
    )
    parser.add_argument("--binary", help="the jingkang binary, at this path on every node")
    parser.add_argument("--shards", type=int, help="shards to cut the runs into (default: the cluster's CPUs / --cpus-per-shard)")
    parser.add_argument("--cpus-per-shard", type=int, default=1, help="CPUs each shard asks Ray for, and its --threads (default 1)")
    parser.add_argument("--address", help="the Ray cluster (e.g. auto); default $RAY_ADDRESS, else a local instance")
    parser.add_argument("--num-cpus", type=int, help="CPUs of the local instance (default: this machine's)")
    parser.add_argument("--ray-temp-dir", help="the local instance's folder for its sockets and logs (keep it short)")
    parser.add_argument("--keep-parts", metavar="DIR", help="write the partials here, as part-K-of-N.jsonl, and keep them")
    parser.add_argument("whatif", nargs=argparse.REMAINDER, help="after --: the arguments of jingkang whatif")
    options = parser.parse_args()
    whatif = options.whatif[1:] if options.whatif[:1] == ["--"] else options.whatif
    if not whatif:
        parser.error("give the whatif arguments after --, e.g. -- jingkang --runs 1000 --compare")
    if options.shards is not None and options.shards < 1:
        parser.error("--shards must be at least 1")
    if options.cpus_per_shard < 1:
        parser.error("--cpus-per-shard must be at least 1")
    binary = find_binary(options.binary)
    sweep, report = split_arguments(whatif)
    if not any(a == "--threads" or a.startswith("--threads=") for a in sweep):
        sweep += ["--threads", str(options.cpus_per_shard)]

    ray = start_ray(options)
    try:
        count = options.shards or max(1, int(ray.cluster_resources().get("CPU", 1)) // options.cpus_per_shard)
        task = ray.remote(num_cpus=options.cpus_per_shard)(play_shard)
        shards = [f"{k}/{count}" for k in range(1, count + 1)]
        results = ray.get([task.remote(binary, sweep, shard, os.getcwd()) for shard in shards])
    finally:
        ray.shutdown()

    for shard, result in zip(shards, results):
        if result["code"] != 0:
            sys.stderr.write(f"shard {shard} failed (exit status {result['code']}):\n{result['stderr']}")
            return result["code"]

    with tempfile.TemporaryDirectory(prefix="jingkang-parts-") as tmp:
        folder = options.keep_parts or tmp
        os.makedirs(folder, exist_ok=True)
        parts = []
        for k, result in enumerate(results, start=1):
            path = os.path.join(folder, f"part-{k}-of-{count}.jsonl")
            with open(path, "wb") as f:
                f.write(result["part"])
            parts.append(path)
        sys.stdout.flush()
        return subprocess.run([binary, "merge", *parts, *report]).returncode


if __name__ == "__main__":
    sys.exit(main())
