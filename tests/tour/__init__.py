"""`make tour`: the real App driven through every screen in both orientations, with the pictures as evidence.

`python -m tests.tour` prepares a KIOSK_HOME (demo content, a staff PIN, a
short idle timeout), runs each orientation in a process of its own
(tests/tour/drive.py), and writes test-artifacts/tour/<orientation>/NN-step.png
and test-artifacts/tour/index.html. It exits 1 when any step failed: a layout
that does not settle, CPU busy at rest, an error text on screen or in the log,
a control off the window or covered, or a control a person could not find.
"""
