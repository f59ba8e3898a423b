"""The Textual application: connects off the UI loop, then shows one mode per area of the console.

Modes are switched with the digit keys: 1 Conferences, 2 Callouts, 3 Calls, 4 Recordings,
5 Numbers & callbacks, 6 Events and 7 Log. With a relay in the profile (relay_url, relay_token) the app
subscribes to its events when the session opens (`console.events.EventFeed`, an app worker, so events are
collected whichever mode is shown) and hands each one to the session's router (`console.events.routing`),
which reaches the services, never a screen. On the spawned sandbox (`make run`) it runs a relay of its own
instead (`console.events.sandbox_relay`).
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from console import memory
from console import mode_screens as modes
from console.hangup import exit_with_terminal
from console.messages import CallPlaced, EventArrived
from console.screens.dialogs import ConfirmScreen
from console.screens.styled_on_mount import StyledOnMount
from widgets.printable_filter import PRINTABLE_FILTER

# The first frame needs none of these (pydantic, httpx, the wire models, the screens: ~0.4 s): the connect
# worker imports them in a thread once the header is on the screen (`console.mode_screens.load_session_code`).
if TYPE_CHECKING:
    from console.backend import Backend
    from console.config import Resolved
    from console.events import EventFeed
    from console.session import Clock, Session


class SplashScreen(StyledOnMount):
    """What shows while (re)connecting."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Connecting…", id="splash")
        yield Footer()


class SinchConsole(App[None]):
    """Keyboard-first console for live Sinch conferences."""

    TITLE = "sinch-console"
    CSS_PATH = "console.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        *(Binding(mode.key, f"switch_mode('{mode.name}')", mode.label, show=False, id=f"app.mode.{mode.name}")
          for mode in modes.MODE_ORDER),
    ]

    resolved: Resolved
    """The settings: given, or read by the connect worker right after the first frame (`settings`)."""

    def __init__(
        self,
        connect: Callable[[Resolved], Backend],
        settings: Resolved | Callable[[], Resolved],
        *,
        folder: Path | None = None,
        clock: Clock | None = None,
        overrides: dict[str, Any] | None = None,
        theme: str | None = None,
    ) -> None:
        """`connect` builds the backend for the settings (blocking: it runs in a thread). `settings` may be a
        blocking function reading them (the command line's, which loads pydantic): the app then draws its first
        frame before calling it, in a thread, and ends with code 2 and its error if it raises. `theme` is what to
        draw the first frame in until the settings say (the config file's, looked at without pydantic)."""
        super().__init__()
        self._css_fresh: tuple[int, dict[str, str]] | None = None
        """Textual's CSS update count and the theme's variables at the last full `refresh_css`."""
        self._connect = connect
        self._read_settings = settings if callable(settings) else None
        self.overrides = dict(overrides or {})
        """The command line's settings (sandbox, read_only, rooms...) that outlive a profile switch."""
        self.folder = folder
        self.clock = clock
        self.session: Session | None = None
        self.settings_error: str | None = None
        """Why the settings could not be read (the app then ends with code 2; `console.__main__` prints it)."""
        self.events_feed: EventFeed | None = None
        """The live events of the session's relay, when its profile has one."""
        self._saved_theme = theme
        self._use_theme(theme)
        if not callable(settings):
            self._use_settings(settings)

    def _use_theme(self, theme: str | None) -> None:
        self.theme = theme if theme in self.available_themes else "textual-dark"

    def _use_settings(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self._saved_theme = resolved.config.theme
        self._use_theme(resolved.config.theme)
        if resolved.profile.keymap:
            self.set_keymap(dict(resolved.profile.keymap))

    def refresh_css(self, animate: bool = True) -> None:
        """Textual refreshes the CSS in full (every stylesheet reparsed, every node restyled: ~25 ms of start-up,
        more behind a busy screen) twice whenever a mode's screen is first shown, only because a new screen has no
        "styled at" count yet; its widgets are styled from the current stylesheet as they mount anyway. So when
        nothing was invalidated since the last full refresh (Textual's count; the theme's variables) and the screen
        on show is new or up to date, only its count is set. A theme change refreshes in full, and restyles the
        other modes' screens too (Textual leaves them until shown), so a screen still without a count is new."""
        variables = self.get_css_variables()
        screen = self.screen if self._screen_stack else None
        if (screen is not None and self._css_fresh == (self._css_update_count, variables)
                and screen._css_update_count in (-1, self._css_update_count)):
            screen._css_update_count = self._css_update_count
            return
        super().refresh_css(animate)
        for stack in self._screen_stacks.values():
            for other in stack:
                if other._css_update_count != self._css_update_count:
                    self.stylesheet.update(other, animate=animate)
                    other._css_update_count = self._css_update_count
        self._css_fresh = (self._css_update_count, variables)

    def get_default_screen(self) -> Screen[Any]:
        """The screen of the first frame (the app's own Header and splash), not restyled whole as it is shown."""
        return StyledOnMount(id="_default")

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's own filters plus the one that keeps escape sequences off the screen (platform text)."""
        return [*super().get_line_filters(), PRINTABLE_FILTER]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Starting…" if self._read_settings else f"Connecting ({self.resolved.label})…", id="splash")
        yield Footer()

    def on_mount(self) -> None:
        if self._read_settings is None:
            self.sub_title = self.resolved.label
        self._css_fresh = (self._css_update_count, dict(self.stylesheet._variables))  # as the styles stand
        memory.freeze_long_lived()  # the modules, the app and its styles: no collection walks them again
        exit_with_terminal(self)  # a closed terminal or dropped SSH must not leave a console polling for nobody

    def on_ready(self) -> None:
        # Textual's Ready follows the first frame at once: the settings and the session code load in threads that
        # would share the GIL with composing it. (Waiting for the refresh after it idled ~20 ms for the footer's
        # own redraws.)
        self.start_session()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def start_session(self) -> None:
        if self._read_settings is not None:  # the first start from the command line: the frame is drawn
            try:
                resolved = await asyncio.to_thread(self._read_settings)
            except Exception as error:  # ConfigError: file, line and a fix
                self.settings_error = str(error)
                self.exit(return_code=2)
                return
            self._read_settings = None
            self._use_settings(resolved)
            self.sub_title = resolved.label
            self._splash(f"Connecting ({resolved.label})…")
            for warning in resolved.warnings:
                self.notify(warning, severity="warning", timeout=15, markup=False)
        await asyncio.to_thread(modes.load_session_code)  # while the sandbox starts on the other core
        from console.screens.conferences import ConferencesScreen
        from console.session import open_session, utc_now

        try:
            # connect() may wait for the sandbox to start: a thread keeps the UI responsive meanwhile.
            backend = await asyncio.to_thread(self._connect, self.resolved)
        except Exception as error:
            self._splash(f"Could not connect: {error}\nPress q to quit.")
            return
        try:
            session = await asyncio.to_thread(open_session, self.resolved, backend, folder=self.folder,
                                              clock=self.clock or utc_now, on_problem=self._problem)
        except Exception as error:
            await backend.close()
            self._splash(f"Could not open the data folder: {error}\nPress q to quit.")
            return
        self.session = session
        session.start()  # the services poll on the app's loop: open_session ran in a thread
        self.sub_title = backend.label
        self.add_mode("conferences", lambda: ConferencesScreen(session))
        self.add_mode("callouts", lambda: modes.callouts_screen(session))
        self.add_mode("calls", lambda: modes.calls_screen(session))
        self.add_mode("recordings", lambda: modes.recordings_screen(session))
        self.add_mode("numbers", lambda: modes.numbers_screen(session))
        feed = self._start_events(session)
        self.add_mode("events", lambda: modes.events_screen(session, feed))
        self.add_mode("log", lambda: modes.log_screen(session))
        await self.switch_mode("conferences")
        self.set_timer(1.0, self._preload_modes)

    def _start_events(self, session: Session) -> EventFeed | None:
        """Subscribe to live events for as long as the session lasts: on the spawned sandbox (`make run`) to a
        relay the console runs itself (`console.events.sandbox_relay`), else to the profile's relay if it has one."""
        from collections.abc import Coroutine

        backend = session.backend
        profile = session.resolved.profile
        if not backend.live_demo and (not profile.relay_url or profile.relay_token is None):
            return None
        from console.events import EventFeed

        work: Coroutine[Any, Any, None]
        if backend.live_demo:
            import secrets

            from console.events.sandbox_relay import PENDING_URL, run_demo_events

            token = secrets.token_urlsafe(24)
            feed = EventFeed(PENDING_URL, token)
            work = run_demo_events(backend, feed, token,
                                   on_problem=lambda text: self.notify(text, severity="warning", markup=False))
        else:
            assert profile.relay_url and profile.relay_token is not None
            feed = EventFeed(profile.relay_url, profile.relay_token.get_secret_value())
            work = feed.run()
        feed.listen(on_event=lambda event: self.post_message(EventArrived(event, feed)))
        self.events_feed = feed
        self.run_worker(work, name="events", group="events", exit_on_error=False)
        return feed

    def _preload_modes(self) -> None:
        """Import the other modes' code in a thread once the roster is up, so the first `2` or `3` is quick
        without start-up paying for it. Then freeze what is loaded: it lives as long as the app, and every full
        garbage collection walked those ~120k objects again (`console.memory`)."""

        async def preload() -> None:
            for module in ("console.screens.participant_panel", "console.screens.conference_dialogs",
                           "console.screens.callouts", "console.screens.calls", "console.screens.recordings",
                           "console.screens.numbers", "console.screens.log"):
                await asyncio.to_thread(importlib.import_module, module)
            memory.freeze_long_lived()

        self.run_worker(preload(), group="preload", exit_on_error=False)

    def _problem(self, text: str) -> None:
        """Data the console could not keep: said loudly, from any thread."""
        if self._thread_id == threading.get_ident():
            self.notify(text, severity="error", timeout=15, markup=False)
        else:
            self.call_from_thread(self.notify, text, severity="error", timeout=15, markup=False)

    def _splash(self, text: str) -> None:
        """The connecting message on whichever screen shows it (the first start or a profile switch)."""
        for splash in self.screen.query("#splash").results(Static):
            splash.update(text)

    # Sync, unlike Textual's async original: the palette's commands call it directly, outside any await.
    def action_switch_mode(self, mode: str) -> None:  # type: ignore[override]
        if self.session is not None and mode in self._modes:
            mounted = self.switch_mode(mode)  # switches now; the worker only waits for the mount
            self.run_worker(mounted(), exit_on_error=False)  # AwaitMount() is the typed coroutine form

    def action_help(self) -> None:
        from console.screens.help import HelpScreen, describe_bindings

        if not isinstance(self.screen, HelpScreen):
            title = type(self.screen).__name__.removesuffix("Screen") or "console"
            self.push_screen(HelpScreen(describe_bindings(self.screen), title))

    def watch_theme(self, theme: str) -> None:
        """Remember the theme in the config file (off the UI loop; a broken file is left alone)."""
        if self.session is None or theme == self._saved_theme:
            return

        async def save() -> None:
            from console.config import ConfigError, set_theme

            try:
                await asyncio.to_thread(set_theme, self.resolved.config_path, theme)
            except (ConfigError, OSError) as error:
                self.notify(f"Theme not saved: {error}", severity="warning", markup=False)
            else:
                self._saved_theme = theme

        self.run_worker(save(), group="config", exit_on_error=False)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette (ctrl+p): namespaced commands for what the current screen and the app can do."""
        yield from super().get_system_commands(screen)
        if self.session is None:
            return
        from console.palette import console_commands

        yield from console_commands(self, screen)

    def switch_profile(self, name: str) -> None:
        """Close this session and connect with profile `name`, keeping the command line's overrides
        (--sandbox, --read-only, --room...). Going from the sandbox to the live platform asks first."""

        async def switch() -> None:
            from console.config import ConfigError, resolve_settings

            try:
                resolved = await asyncio.to_thread(resolve_settings, self.resolved.config_path, name,
                                                   **self.overrides)
            except ConfigError as error:
                self.notify(f"Cannot switch profile: {error}", severity="error", markup=False)
                return
            if self.resolved.uses_sandbox and not resolved.uses_sandbox:
                question = (f"Profile [b]{escape(name)}[/b] talks to the [b]live[/b] Sinch platform "
                            f"({escape(resolved.label)}). Switch?")
                if not await self.push_screen_wait(ConfirmScreen(question, confirm_label="Go live", danger=True)):
                    return
            await self._reconnect(resolved)

        self.run_worker(switch(), group="connect", exclusive=True, exit_on_error=False)

    async def _reconnect(self, resolved: Resolved) -> None:
        from console.backend import connect
        from console.sandbox_process import SandboxProcess

        if "connecting" not in self._modes:
            self.add_mode("connecting", SplashScreen)
        await self.switch_mode("connecting")
        for mode in modes.MODES:
            await self.remove_mode(mode)
        session, self.session = self.session, None
        feed, self.events_feed = self.events_feed, None
        if feed is not None:
            feed.stop()
            self.workers.cancel_group(self, "events")
        if session is not None:
            await session.close()
        self.resolved = resolved
        self.set_keymap(dict(resolved.profile.keymap))  # this profile's keys (none: Textual's own again)
        self.sub_title = resolved.label
        self._splash(f"Connecting ({resolved.label})…")
        sandbox = SandboxProcess(scenario="demo") if resolved.uses_sandbox else None
        self._connect = lambda resolved: connect(resolved, sandbox)
        self.start_session()

    def on_call_placed(self, message: CallPlaced) -> None:
        """A callout went out: Calls follows it; a conference callout's room joins the watch list."""
        if self.session is None:
            return
        self.session.calls_poller.track(message.call_id, kind=message.kind, destination=message.destination,
                                        placed_at=message.placed_at, cli=message.cli,
                                        conference_id=message.conference_id, detail=message.detail,
                                        correlation_id=message.correlation_id,
                                        outcome_unknown=message.outcome_unknown)
        if message.conference_id:
            self.session.rooms.watch(message.conference_id)

    def on_event_arrived(self, message: EventArrived) -> None:
        """The relay reported a callback: poll its room now (watching it if new), wake its tracked call."""
        if self.session is None or (message.feed is not None and message.feed is not self.events_feed):
            return  # an event of the previous session's relay, still queued after a profile switch
        self.session.events.route(message.event)

    async def on_unmount(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            await session.close()
