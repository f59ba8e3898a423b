"""Idle CPU: what the console costs when nothing happens (issue 14, speed). A headless console watches quiet
rooms at a 1 s poll against a sandbox; nobody joins, leaves or speaks, so every poll answers the same roster and
every second's work is overhead (timers that redraw unchanged things, unchanged answers that still cause work).

Scenarios, each a fresh sandbox and console child (bench/scale_console.py's, `bench/scale_console_child.py`):
- idle1:  one room of 4 quiet participants;
- idle20: 20 rooms of 3;
- idle1-new: idle1 with everyone just joined.
In idle1 and idle20 everyone has been in the room for 10 minutes when the console starts (the sandbox's clock is
moved on after filling): a quiet meeting under way. idle1-new shows what a room that just began costs in its
first minute (the roster once counted its durations by the second there, so every row changed every second).

Goals: idle1 at most 1 % of a core over 60 s, idle20 at most 10 %. The figure is the child's CPU time (all its
threads) over the window's wall time, so a loaded machine stretches it little. With `--before REV` the same
harness runs that commit's source too, alternating, so both figures come from one run. BENCH_PROFILE=1 prints the
child's cProfile over the window (top functions by own time) to find what burns.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_console import Scenario, compared_sources, run_console

SCENARIOS = {
    "idle1": (Scenario("idle1", rooms=1, size=4, churn=0, every_room=True, aged=600), 1.0),
    "idle20": (Scenario("idle20", rooms=20, size=3, churn=0, every_room=True, aged=600), 10.0),
    "idle1-new": (Scenario("idle1", rooms=1, size=4, churn=0, every_room=True), 1.0),
}
DEFAULT = ("idle1", "idle20")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="measured window per run")
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario and source (alternating); medians")
    parser.add_argument("--before", default="none", help="commit or source folder to measure alongside")
    parser.add_argument("--after", default=None, help="commit or source folder for the new figures (default: this "
                        "checkout's files, uncommitted edits included)")
    args = parser.parse_args()
    names = list(DEFAULT) if args.scenario == "all" else [args.scenario]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with compared_sources(args.before, args.after, "idle") as sources:
        for name in names:
            scenario, goal = SCENARIOS[name]
            print(f"\n== {name}: {len(scenario.rooms)} quiet room(s) of {scenario.size} at 1 s, in for "
                  f"{scenario.aged / 60:.0f} min, {args.seconds:.0f} s a run, {args.runs} run(s)")
            cpu: dict[str, list[float]] = {label: [] for label, _ in sources}
            for _ in range(args.runs):
                for label, source in sources:
                    figures = run_console(source, scenario, args.seconds)
                    cpu[label].append(figures["cpu_pct"])
                    print(f"   {label:<6} cpu {figures['cpu_pct']:5.2f} %  polls/room/s "
                          f"{figures['polls_per_room_s']:.2f}  lag p95 {figures['lag_p95_ms']:.1f} ms", flush=True)
            for label, values in cpu.items():
                median = statistics.median(values)
                verdict = "met    " if median <= goal else "NOT met"
                print(f"   {label:<6} {verdict} CPU <= {goal:g} % of a core (median {median:.2f} %, "
                      f"ratio to goal {median / goal:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
