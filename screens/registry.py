"""The one list of screens: name → class. The App builds them from here."""

from __future__ import annotations

from screens.attachment import AttachmentScreen
from screens.base import KioskScreen
from screens.browse import BrowseScreen
from screens.document import DocumentScreen
from screens.home import HomeScreen
from screens.print_copy import PrintScreen
from screens.search import SearchScreen
from screens.staff import StaffScreen

SCREENS: dict[str, type[KioskScreen]] = {
    "home": HomeScreen,
    "browse": BrowseScreen,
    "document": DocumentScreen,
    "print": PrintScreen,
    "attachment": AttachmentScreen,
    "search": SearchScreen,
    "staff": StaffScreen,
}
