"""Kivy screens and widgets of the reading-room kiosk.

One `.py` and one `.kv` per screen; `screens.registry.SCREENS` lists them.
Every screen declares the small Protocol of services it uses (`HomeServices`,
`SearchServices` …) and receives them, with a `screens.navigator.Navigator`,
from the App; it never imports `kiosk/`.
"""
