"""`sinch-console`: start the console on Sinch (credentials in the environment) or on the sandbox."""

from __future__ import annotations

import argparse
import sys
from functools import partial

from pydantic import ValidationError

from console.backend import connect
from console.settings import REGIONS, Settings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="sinch-console",
        description="Watch and moderate Sinch voice conferences from the terminal. Without "
        "SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET it runs on a built-in sandbox.",
    )
    parser.add_argument("--sandbox", action="store_true", help="use the built-in sandbox even if credentials are set")
    parser.add_argument("--room", action="append", default=None, metavar="ID", help="conference id to watch (repeat)")
    parser.add_argument("--region", choices=REGIONS, help="traffic region (default: SINCH_REGION or global)")
    parser.add_argument("--poll-interval", type=float, metavar="SECONDS", help="seconds between polls (default 1)")
    parser.add_argument("--seed", type=int, help="seed for the sandbox's demo scenario")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    overrides = {
        key: value
        for key, value in {
            "force_sandbox": args.sandbox or None,
            "rooms": args.room,
            "region": args.region,
            "poll_interval": args.poll_interval,
            "seed": args.seed,
        }.items()
        if value is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        print(f"sinch-console: invalid setting: {error.errors()[0]['loc'][0]}: {error.errors()[0]['msg']}",
              file=sys.stderr)
        return 2
    from console.app import SinchConsole  # Textual loads only once the arguments are known to be good

    SinchConsole(partial(connect, settings), poll_interval=settings.poll_interval).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
