"""Kivy screens and widgets of the reading-room kiosk.

One `.py` and one `.kv` per screen; `screens.registry.SCREENS` lists them.
Every screen receives a `screens.services.KioskServices` object and a
`screens.navigator.Navigator`; it never imports `kiosk/`.
"""
