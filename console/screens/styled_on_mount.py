"""Screens styled once as they mount, not restyled whole by what first shows them.

Textual restyles every node of a screen each time it is shown (`ScreenResume.refresh_styles`), and shows a new
screen with one resume (the app's first screen) or two (a mode's, `App.switch_mode`) right after its widgets
were styled as they mounted; then the screen's first resize adds its breakpoint classes (`-wide`, `-tall`...),
which restyles every node once more. ~15 ms of start-up, and of each mode's first showing, for nothing. Light
enough for the app's first frame (the app's first screen uses it).
"""

from __future__ import annotations

from textual import events, on
from textual.screen import Screen


class StyledOnMount(Screen[None]):
    """Takes its breakpoint classes for the terminal's size before its widgets mount, and skips the restyle of
    the resumes that first show it. From the first time it is hidden on (Textual counts that in `stack_updates`)
    a resume restyles as Textual does; a theme change restyles every mode's screens (`SinchConsole.refresh_css`)."""

    # Decorated handlers run down the class hierarchy before Textual's own `_on_compose` and `_on_screen_resume`.
    @on(events.Compose)
    def _breakpoints_before_mount(self) -> None:
        width, height = self.app.size
        horizontal = self.app.HORIZONTAL_BREAKPOINTS if self.HORIZONTAL_BREAKPOINTS is None \
            else self.HORIZONTAL_BREAKPOINTS
        vertical = self.app.VERTICAL_BREAKPOINTS if self.VERTICAL_BREAKPOINTS is None else self.VERTICAL_BREAKPOINTS
        classes = {name: False for _, name in (*(horizontal or []), *(vertical or []))}
        # Textual's own choice of class, so the first resize finds them set and restyles nothing
        for name in (*self._get_breakpoint_classes(width, horizontal or []),
                     *self._get_breakpoint_classes(height, vertical or [])):
            classes[name] = True
        self.update_classes(classes, animate=False)  # no widgets yet: restyles the screen alone

    @on(events.ScreenResume)
    def _styled_on_mount(self, event: events.ScreenResume) -> None:
        if self.stack_updates < 2:
            event.refresh_styles = False
