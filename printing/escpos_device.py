"""ESC/POS receipt printers on USB or a serial line, opened through python-escpos (`Usb`, `Serial`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from printing.base import PrinterStatus
from printing.errors import PrinterUnavailable
from printing.escpos_printer import CHUNK, ReceiptPrinter, ask_status, describe
from printing.receipt import RECEIPT_PAPER

__all__ = ["SerialReceiptPrinter", "UsbReceiptPrinter"]


class _DeviceReceiptPrinter(ReceiptPrinter):
    """A receipt printer python-escpos opens as a device: sent in pieces, asked through its own status query."""

    def _device(self) -> Any:
        raise NotImplementedError

    def _send(self, data: bytes) -> None:
        device = self._device()
        sent = 0
        try:
            for start in range(0, len(data), CHUNK):
                device._raw(data[start : start + CHUNK])
                sent = min(start + CHUNK, len(data))
        except Exception as exc:  # pyusb and pyserial raise their own trees; all mean the same here
            raise self.unknown(f"failed while sending ({describe(exc)})", sent, len(data)) from exc
        finally:
            with contextlib.suppress(Exception):
                device.close()

    def _status(self) -> PrinterStatus:
        try:
            device = self._device()
        except PrinterUnavailable as exc:
            return PrinterStatus("offline", str(exc))
        try:
            return ask_status(device.query_status)
        finally:
            with contextlib.suppress(Exception):
                device.close()

    def _open(self, kind: Any, make: Callable[[], Any], library: str) -> Any:
        """An open python-escpos device; PrinterUnavailable when the device or its library is missing."""
        if not kind.is_usable():  # checked first: without the library even escpos's __del__ raises
            raise PrinterUnavailable(
                f"{self.name} cannot be used: the Python package {library} is not installed (pip install {library})"
            )
        try:
            device = make()
            device.open()
        except Exception as exc:  # DeviceNotFoundError, USBError, SerialException
            raise PrinterUnavailable(
                f"{self.name} was not found ({describe(exc)}): is it plugged in and switched on?"
            ) from exc
        return device


class UsbReceiptPrinter(_DeviceReceiptPrinter):
    """A receipt printer at usb://VID:PID."""

    kind = "usb"

    def _device(self) -> Any:
        from escpos.printer import Usb

        timeout_ms = int(self.target.timeout * 1000)
        profile = RECEIPT_PAPER[self.target.width].profile
        return self._open(
            Usb,
            lambda: Usb(self.target.vendor_id, self.target.product_id, timeout=timeout_ms, profile=profile),
            "pyusb",
        )


class SerialReceiptPrinter(_DeviceReceiptPrinter):
    """A receipt printer at serial:///dev/tty…"""

    kind = "serial"

    def _device(self) -> Any:
        from escpos.printer import Serial

        def make() -> Any:
            profile = RECEIPT_PAPER[self.target.width].profile
            return Serial(self.target.device, self.target.baudrate, timeout=self.target.timeout, profile=profile)

        device = self._open(Serial, make, "pyserial")
        device.device.write_timeout = self.target.timeout  # python-escpos sets none: a stalled line would block forever
        return device
