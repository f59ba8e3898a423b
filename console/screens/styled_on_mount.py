"""Screens shown with their styles as they mounted, not restyled whole by the resumes that first show them.

Textual restyles every node of a screen each time it is shown (`ScreenResume.refresh_styles`), and shows a new
screen with one resume (the app's first screen) or two (a mode's, `App.switch_mode`) right after its widgets
were styled as they mounted: ~10 ms of start-up, and of each mode's first showing, for nothing. Light enough for
the app's first frame (the splash uses it).
"""

from __future__ import annotations

from textual import on
from textual.events import ScreenResume
from textual.screen import Screen


class StyledOnMount(Screen[None]):
    """From the first time the screen is hidden on (Textual counts that in `stack_updates`), a resume restyles
    as Textual does; a theme change restyles every mode's screens anyway (`SinchConsole.refresh_css`)."""

    @on(ScreenResume)
    def _styled_on_mount(self, event: ScreenResume) -> None:
        # Decorated handlers run down the class hierarchy before Screen's own, which reads the flag.
        if self.stack_updates < 2:
            event.refresh_styles = False
