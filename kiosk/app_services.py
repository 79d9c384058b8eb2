"""What the App hands its screens: every screen's own services Protocol, joined, and what the App asks itself.

A module of its own, imported for its types only, so that `kiosk run` does not load every screen before Home's
first frame.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.state import StateStore
from screens.attachment import AttachmentServices
from screens.browse import BrowseServices
from screens.document import DocumentServices
from screens.home import HomeServices
from screens.print_copy import PrintServices
from screens.search import SearchServices
from screens.staff import StaffServices


class AppServices(
    HomeServices,
    BrowseServices,
    DocumentServices,
    SearchServices,
    PrintServices,
    AttachmentServices,
    StaffServices,
    Protocol,
):
    """What the App hands its screens (each screen's own Protocol), and what it asks itself: a visit's jobs, a
    new visit."""

    def job_notes(self, job_nos: list[str], *, visit_over: bool = False) -> list[str]:
        """A line for each of a visit's print jobs, from its state now (a job staff cancelled says so); once the
        visit is over, slips already printed are left out."""

    @property
    def state(self) -> StateStore:
        """The state store: the App's usage events go there."""

    def new_visit(self) -> None:
        """The kiosk went back to Home when idle: a new visitor's page quota begins."""
