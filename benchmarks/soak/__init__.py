"""`make soak`: the real kiosk under random touches for a while, then left alone; did it leak, spin or fail?

`python -m benchmarks.soak` starts the real KioskApp on its embedded defaults
(SQLite stores, demo content, spool-folder printers, the print worker) in a
fresh temporary KIOSK_HOME, in an offscreen window as the UI tests do, and lets
a seeded random visitor (benchmarks/soak/citizen.py) use it: after a warm-up
and an idle reset, resident memory is taken; then the visitor touches for
SOAK_MINUTES, walks away, and once the kiosk has reset itself, memory is taken
again and the processor's use is measured over an idle minute. The report
(benchmarks/soak/report.py) is one table; the run fails on any exception in the
kiosk, any error or traceback in its log, or memory growth of 5 % or more.
"""
