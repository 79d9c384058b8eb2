"""The one list of screens: name → the module and class that make it. The App builds them from here.

A screen's module (and its `.kv` rules) is imported when the screen is first
made, so the kiosk's first frame waits only for Home's.
"""

from __future__ import annotations

from importlib import import_module

from screens.base import KioskScreen

SCREENS: dict[str, str] = {
    "home": "screens.home:HomeScreen",
    "browse": "screens.browse:BrowseScreen",
    "document": "screens.document:DocumentScreen",
    "print": "screens.print_copy:PrintScreen",
    "attachment": "screens.attachment:AttachmentScreen",
    "search": "screens.search:SearchScreen",
    "staff": "screens.staff:StaffScreen",
    "rating": "screens.rating:RatingScreen",
}


def screen_class(name: str) -> type[KioskScreen]:
    """The class of the screen `name`, its module imported now if it was not yet."""
    module, cls = SCREENS[name].split(":")
    found: type[KioskScreen] = getattr(import_module(module), cls)
    return found
